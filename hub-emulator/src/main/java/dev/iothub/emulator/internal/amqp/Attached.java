package dev.iothub.emulator.internal.amqp;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.message.Message;

/**
 * What an attached link is for: a link the client sends on hands each message to {@code received}, after the hub
 * accepted it, or the messages of each transfer (one, or a batch's) to {@code judged}, whose answer is the hub's
 * disposition of them; a link the hub sends on has its {@code outgoing} side; {@code detached} runs when the client
 * detaches it.
 */
record Attached(Consumer<Message> received, Function<List<Message>, DeliveryState> judged, Outgoing outgoing,
                Runnable detached) {
    private static final Rejected BATCH_REFUSED = AmqpConnection.rejected("amqp:not-allowed",
            "A batch of messages is not taken on this link.");

    static Attached receiving(Consumer<Message> received, Runnable detached) {
        return new Attached(received, null, null, detached);
    }

    /** A link whose messages the hub accepts or rejects one by one, as {@code judged} says; batches are rejected. */
    static Attached judging(Function<Message, DeliveryState> judged, Runnable detached) {
        return judgingTransfers(messages -> messages.size() == 1 ? judged.apply(messages.get(0)) : BATCH_REFUSED,
                detached);
    }

    /** A link whose transfers, a message or a batch of them, the hub accepts or rejects as a whole. */
    static Attached judgingTransfers(Function<List<Message>, DeliveryState> judged, Runnable detached) {
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
