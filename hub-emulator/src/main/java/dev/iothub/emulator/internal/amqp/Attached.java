package dev.iothub.emulator.internal.amqp;

import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;

/**
 * What an attached link is for: a link the client sends on hands each message to {@code received}, after the hub
 * accepted it, or to {@code judged}, whose answer is the hub's disposition of it; a link the hub sends on has its
 * {@code outgoing} side; {@code detached} runs when the client detaches it.
 */
record Attached(Consumer<Message> received, Function<Message, DeliveryState> judged, Outgoing outgoing,
                Runnable detached) {

    static Attached receiving(Consumer<Message> received, Runnable detached) {
        return new Attached(received, null, null, detached);
    }

    /** A link whose messages the hub accepts or rejects one by one, as {@code judged} says. */
    static Attached judging(Function<Message, DeliveryState> judged, Runnable detached) {
        return new Attached(null, judged, null, detached);
    }

    static Attached sending(Outgoing outgoing, Runnable detached) {
        return new Attached(null, null, outgoing, detached);
    }

    /** A link the hub accepts and never sends on (one the hub has nothing to send on, such as a device's telemetry link in the wrong direction). */
    static Attached silent(Runnable detached) {
        return new Attached(null, null, null, detached);
    }
}
