package dev.iothub.emulator.internal.error;

/** A request the hub refuses: carries the error code the response is built from. */
public final class HubException extends RuntimeException {
    private final ErrorCode errorCode;

    public HubException(ErrorCode errorCode, String message) {
        super(message, null, false, false);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public static HubException badFormat(String message) {
        return new HubException(ErrorCode.ArgumentInvalid, message);
    }

    /** The hub's 401, saying why the credentials do not do, never quoting them. */
    public static HubException unauthorized(String why) {
        return new HubException(ErrorCode.IotHubUnauthorizedAccess, "Unauthorized: " + why);
    }
}
