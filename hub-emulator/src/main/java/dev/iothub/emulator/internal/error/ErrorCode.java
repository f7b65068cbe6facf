package dev.iothub.emulator.internal.error;

/**
 * The hub's error codes: the name it puts in {@code iothub-errorcode} and in the body's
 * {@code ErrorCode:...} prefix, the HTTP status that goes with it, and its six-digit number, which AMQP
 * error bodies carry ({@code errorCode}; the azure-iot-sdk-csharp {@code ErrorCode} enum lists them, and
 * a code the hub has no number for takes its status's generic one, such as 404000).
 */
public enum ErrorCode {
    ArgumentInvalid(400, 400004),
    InvalidProtocolVersion(400, 400001),
    DeviceDefinedMultipleTimes(400, 400000),
    IotHubUnauthorizedAccess(401, 401002),
    DeviceNotFound(404, 404001),
    ModuleNotFound(404, 404010),
    DeviceNotOnline(404, 404103),
    EndpointNotFound(404, 404000),
    MethodNotAllowed(405, 405000),
    DeviceAlreadyExists(409, 409001),
    ModuleAlreadyExistsOnDevice(409, 409301),
    PreconditionFailed(412, 412001),
    MessageTooLarge(413, 413001),
    TooManyDevices(413, 413002),
    ThrottlingException(429, 429001),
    ServerError(500, 500001),
    NotImplemented(501, 501000),
    ServiceUnavailable(503, 503001),
    GatewayTimeout(504, 504101);

    private final int status;
    private final int number;

    ErrorCode(int status, int number) {
        this.status = status;
        this.number = number;
    }

    public int status() {
        return status;
    }

    public int number() {
        return number;
    }
}
