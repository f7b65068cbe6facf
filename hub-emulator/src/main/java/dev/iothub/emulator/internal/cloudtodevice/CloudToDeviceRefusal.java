package dev.iothub.emulator.internal.cloudtodevice;

/** Why the hub does not enqueue a message a service sent: protocol adapters say it in their protocol's words. */
public final class CloudToDeviceRefusal extends Exception {
    /** What went wrong, each with its own condition on the wire. */
    public enum Reason { TARGET_NOT_FOUND, QUEUE_FULL, TOO_LARGE, INVALID }

    private final Reason reason;

    CloudToDeviceRefusal(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
