package dev.iothub.emulator.internal.events;

/** Why a partition receiver may not receive: a receiver of a higher owner level has the partition. */
public final class ReceiverRefusal extends Exception {
    public ReceiverRefusal(String message) {
        super(message, null, false, false);
    }
}
