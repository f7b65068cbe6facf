package dev.iothub.emulator.internal.device;

/** Why the hub does not let a device or module connect; each protocol answers it in its own terms. */
public final class DeviceRefusal extends Exception {

    /** What went wrong, as far as the protocols tell it apart. */
    public enum Reason {
        /** No such device or module in the registry. */
        NOT_FOUND,
        /** The identity is disabled. */
        DISABLED,
        /** The SAS token is malformed, expired, for another identity or hub, or signed with the wrong key. */
        UNAUTHORIZED
    }

    private final Reason reason;

    DeviceRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
