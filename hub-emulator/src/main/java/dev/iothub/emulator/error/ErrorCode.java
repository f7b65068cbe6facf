package dev.iothub.emulator.error;

/**
 * The hub's error codes: the name it puts in {@code iothub-errorcode} and in the body's
 * {@code ErrorCode:...} prefix, and the HTTP status that goes with it.
 */
public enum ErrorCode {
    ArgumentInvalid(400, 400004),
    ArgumentNull(400, 400005),
    IotHubFormatError(400, 400006),
    DeviceInvalidResultCount(400, 400007),
    InvalidProtocolVersion(400, 400001),
    RequestCanceled(400, 400015),
    IotHubUnauthorizedAccess(401, 401002),
    IotHubUnauthorized(401, 401003),
    DeviceNotFound(404, 404001),
    ModuleNotFound(404, 404010),
    EndpointNotFound(404, 404002),
    MethodNotAllowed(405, 405001),
    DeviceAlreadyExists(409, 409001),
    ModuleAlreadyExistsOnDevice(409, 409301),
    PreconditionFailed(412, 412001),
    DeviceMessageLockLost(412, 412002),
    MessageTooLarge(413, 413001),
    RequestEntityTooLarge(413, 413002),
    UnsupportedMediaType(415, 415001),
    ThrottlingException(429, 429001),
    ServerError(500, 500001),
    NotImplemented(501, 501001);

    private final int status;
    private final int code;

    ErrorCode(int status, int code) {
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    /** The six-digit form ({@code 409001}) newer hub responses carry as {@code errorCode}. */
    public int code() {
        return code;
    }
}
