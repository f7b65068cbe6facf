package dev.iothub.emulator.internal.error;

/**
 * The hub's error codes: the name it puts in {@code iothub-errorcode} and in the body's
 * {@code ErrorCode:...} prefix, and the HTTP status that goes with it.
 */
public enum ErrorCode {
    ArgumentInvalid(400),
    InvalidProtocolVersion(400),
    IotHubUnauthorizedAccess(401),
    DeviceNotFound(404),
    ModuleNotFound(404),
    EndpointNotFound(404),
    MethodNotAllowed(405),
    DeviceAlreadyExists(409),
    ModuleAlreadyExistsOnDevice(409),
    PreconditionFailed(412),
    ServerError(500),
    NotImplemented(501);

    private final int status;

    ErrorCode(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }
}
