package dev.iothub.emulator.internal.amqp;

import java.util.function.Consumer;
import org.apache.qpid.proton.message.Message;

/**
 * What an attached link is for: a link the client sends on hands each message to {@code received}; a link
 * the hub sends on has its {@code outgoing} queue; {@code detached} runs when the client detaches it.
 */
record Attached(Consumer<Message> received, OutgoingLink outgoing, Runnable detached) {

    static Attached receiving(Consumer<Message> received, Runnable detached) {
        return new Attached(received, null, detached);
    }

    static Attached sending(OutgoingLink outgoing, Runnable detached) {
        return new Attached(null, outgoing, detached);
    }

    /** A link the hub accepts and never sends on (cloud-to-device: not emulated). */
    static Attached silent(Runnable detached) {
        return new Attached(null, null, detached);
    }
}
