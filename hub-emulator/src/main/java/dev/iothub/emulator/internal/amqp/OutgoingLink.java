package dev.iothub.emulator.internal.amqp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Queue;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

/**
 * Where the hub sends on one link (CBS answers, twin answers and desired changes): messages wait until the
 * client has attached its receiving end and given credit; the Java SDK may send a twin request before its
 * receiving link is attached.
 */
final class OutgoingLink {
    private final Queue<byte[]> waiting = new ArrayDeque<>();
    private Sender sender;
    private long nextTag;

    /** The link to send on, once attached; null again once detached. */
    void attach(Sender attached) {
        this.sender = attached;
        flush();
    }

    void send(Message message) {
        waiting.add(AmqpMessages.encode(message));
        flush();
    }

    /** Sends what waits, as far as the credit goes; a client that asked for pre-settled messages gets them so. */
    void flush() {
        while (sender != null && sender.getCredit() > 0 && !waiting.isEmpty()) {
            byte[] message = waiting.remove();
            Delivery delivery = sender.delivery(Long.toString(nextTag++).getBytes(StandardCharsets.US_ASCII));
            sender.send(message, 0, message.length);
            sender.advance();
            if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
                delivery.settle();
            }
        }
    }

    /** The link is gone: what waited for it is dropped, as the hub keeps nothing for a link that is not there. */
    void detach() {
        sender = null;
        waiting.clear();
    }
}
