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
 * receiving link is attached. What waits is counted against the connection's budget: a client that asks and
 * gives no credit for the answers ends its connection, not the emulator's memory.
 */
final class OutgoingLink implements Outgoing {
    private final String address;
    private final AmqpHandler handler;
    private final Queue<byte[]> waiting = new ArrayDeque<>();
    private long waitingBytes;
    private Sender sender;
    private long nextTag;

    /** {@code address}: the link's, as errors name it. */
    OutgoingLink(String address, AmqpHandler handler) {
        this.address = address;
        this.handler = handler;
    }

    /** The link to send on, once attached; null again once detached. */
    @Override
    public void attach(Sender attached) {
        this.sender = attached;
        flush();
    }

    void send(Message message) {
        byte[] bytes = AmqpMessages.encode(message);
        waiting.add(bytes);
        waitingBytes += bytes.length;
        handler.budget().answersWaiting(bytes.length);
        flush();
        ConnectionBudget.Breach breach = handler.budget().waitingBreach(address, waitingBytes);
        if (breach != null) {
            handler.end(breach);
        }
    }

    /** Sends what waits, as far as the credit goes; a client that asked for pre-settled messages gets them so. */
    @Override
    public void flush() {
        while (sender != null && sender.getCredit() > 0 && !waiting.isEmpty()) {
            byte[] message = taken(waiting.remove());
            Delivery delivery = sender.delivery(Long.toString(nextTag++).getBytes(StandardCharsets.US_ASCII));
            sender.send(message, 0, message.length);
            sender.advance();
            if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
                delivery.settle();
            }
        }
    }

    /** Answers need nothing of the client's disposition: the delivery is settled once the client settles it. */
    @Override
    public void disposed(Delivery delivery) {
        if (delivery.remotelySettled()) {
            delivery.settle();
        }
    }

    /** The link is gone: what waited for it is dropped, as the hub keeps nothing for a link that is not there. */
    void detach() {
        sender = null;
        waiting.clear();
        handler.budget().answersTaken(waitingBytes);
        waitingBytes = 0;
    }

    private byte[] taken(byte[] message) {
        waitingBytes -= message.length;
        handler.budget().answersTaken(message.length);
        return message;
    }
}
