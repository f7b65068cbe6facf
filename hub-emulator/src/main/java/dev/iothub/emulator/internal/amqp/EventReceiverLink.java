package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.events.BuiltInEndpoint;
import dev.iothub.emulator.internal.events.Event;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

/**
 * A partition receiver: the partition's events from where the client asked to start, then each as it arrives, as
 * the client's credit allows. Event Hubs does not count on the client's dispositions: a delivery is settled when the
 * client settles it, or as it is sent if the client asked for pre-settled ones.
 */
final class EventReceiverLink implements Outgoing {
    /** Events read from the store at once, at most: a client's credit may be thousands. */
    private static final int READ_AT_ONCE = 64;

    private final BuiltInEndpoint endpoint;
    private final int partition;
    private final boolean runtimeInformation;
    private final Runnable unwatch;
    private long next;
    private Sender sender;

    EventReceiverLink(BuiltInEndpoint endpoint, int partition, long first, boolean runtimeInformation,
                      Runnable wake) {
        this.endpoint = endpoint;
        this.partition = partition;
        this.next = first;
        this.runtimeInformation = runtimeInformation;
        this.unwatch = endpoint.watch(partition, wake);
    }

    @Override
    public void attach(Sender attached) {
        sender = attached;
        flush();
    }

    @Override
    public void flush() {
        while (sender != null && sender.getCredit() > 0) {
            List<Event> events = endpoint.read(partition, next, Math.min(sender.getCredit(), READ_AT_ONCE));
            if (events.isEmpty()) {
                return;
            }
            for (Event event : events) {
                Message message = AmqpEvents.message(event);
                if (runtimeInformation) {
                    message.setDeliveryAnnotations(AmqpEvents.runtimeInformation(endpoint.properties(partition),
                            Instant.now()));
                }
                byte[] bytes = AmqpMessages.encode(message);
                byte[] tag = Long.toString(event.sequence()).getBytes(StandardCharsets.US_ASCII);
                Delivery delivery = sender.delivery(tag);
                sender.send(bytes, 0, bytes.length);
                sender.advance();
                if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
                    delivery.settle();
                }
                next = event.sequence() + 1;
            }
        }
    }

    @Override
    public void disposed(Delivery delivery) {
        if (delivery.remotelySettled() || delivery.getRemoteState() != null) {
            delivery.settle();
        }
    }

    void detach() {
        sender = null;
        unwatch.run();
    }
}
