package dev.iothub.emulator.internal.error;

import java.util.Map;

/**
 * A request the hub refuses: carries the error code the response is built from, and for the errors the hub
 * explains further (a direct method's time-outs) the {@code info} its error body carries.
 */
public final class HubException extends RuntimeException {
    private final ErrorCode errorCode;
    private final Map<String, String> info;

    public HubException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    /** {@code info}: what the hub's body says beside the message (e.g. {@code timeout}), or null for nothing. */
    public HubException(ErrorCode errorCode, String message, Map<String, String> info) {
        super(message, null, false, false);
        this.errorCode = errorCode;
        this.info = info;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** What the hub's error body says beside the message, or null if it says nothing more. */
    public Map<String, String> info() {
        return info;
    }

    public static HubException badFormat(String message) {
        return new HubException(ErrorCode.ArgumentInvalid, message);
    }

    /** The hub's 401, saying why the credentials do not do, never quoting them. */
    public static HubException unauthorized(String why) {
        return new HubException(ErrorCode.IotHubUnauthorizedAccess, "Unauthorized: " + why);
    }
}
