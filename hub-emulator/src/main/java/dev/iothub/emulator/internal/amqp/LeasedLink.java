package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.cloudtodevice.Lease;
import dev.iothub.emulator.internal.cloudtodevice.Leases;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.function.Function;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

/**
 * A link on which the hub delivers what it hands out under locks (a device's cloud-to-device messages, the
 * service's feedback batches): each delivery's tag is its 16-byte lock token, as the .NET SDKs read it, and the
 * client's disposition settles it: accepted completes, rejected rejects, released or modified abandons. A
 * client that asked for pre-settled deliveries completes each as it is sent.
 */
final class LeasedLink<T> implements Outgoing {
    private final Leases<T> leases;
    private final Function<T, Message> written;
    private Sender sender;

    LeasedLink(Leases<T> leases, Function<T, Message> written) {
        this.leases = leases;
        this.written = written;
    }

    @Override
    public void attach(Sender attached) {
        this.sender = attached;
        flush();
    }

    @Override
    public void flush() {
        while (sender != null && sender.getCredit() > 0) {
            Lease<T> lease = leases.next().orElse(null);
            if (lease == null) {
                return;
            }
            byte[] message = AmqpMessages.encode(written.apply(lease.item()));
            Delivery delivery = sender.delivery(tag(lease.lockToken()));
            sender.send(message, 0, message.length);
            sender.advance();
            if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
                delivery.settle();
                leases.complete(lease.lockToken());
            } else {
                delivery.setContext(lease.lockToken());
            }
        }
    }

    @Override
    public void disposed(Delivery delivery) {
        DeliveryState state = delivery.getRemoteState();
        if (delivery.getContext() instanceof UUID lockToken && state != null) {
            delivery.setContext(null);
            if (state instanceof Accepted) {
                leases.complete(lockToken);
            } else if (state instanceof Rejected) {
                leases.reject(lockToken);
            } else {
                leases.abandon(lockToken); // released, or modified
            }
        }
        if (state != null || delivery.remotelySettled()) {
            delivery.settle();
        }
    }

    /** The link is gone: what the client held and did not settle goes back to be delivered again. */
    void detach() {
        sender = null;
        leases.close();
    }

    private static byte[] tag(UUID lockToken) {
        return ByteBuffer.allocate(16).putLong(lockToken.getMostSignificantBits())
                .putLong(lockToken.getLeastSignificantBits()).array();
    }
}
