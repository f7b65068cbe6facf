package dev.iothub.emulator.testing;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.FrameBody;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.apache.qpid.proton.message.Message;

/**
 * A bare AMQP 1.0 client over TLS for the wire cases the Java SDK never produces: Proton-J's engine driven
 * by hand on the test's own thread, with SASL ANONYMOUS as the Java SDK does or no SASL layer as Node's
 * does, and raw bytes when the test needs what no engine would send. Nothing happens behind the test's
 * back: the engine only reads the network inside {@link #await}.
 */
public final class RawAmqpClient implements AutoCloseable {
    public static final int PORT = 5671;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RawSocket socket;
    private final Transport transport = Proton.transport();
    private final Connection connection = Proton.connection();
    private final Collector collector = Proton.collector();
    private final Map<Receiver, Queue<Received>> received = new HashMap<>();
    private boolean peerClosed;
    private long nextTag;

    /** A message the hub sent: decoded, its bytes (to count its sections), and whether it came settled. */
    public record Received(Message message, byte[] bytes, boolean settled) {

        /** The message's sections in wire order: header, annotations, properties, ..., body. */
        public List<Section> sections() {
            DecoderImpl decoder = new DecoderImpl();
            AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            decoder.setByteBuffer(buffer);
            List<Section> sections = new ArrayList<>();
            while (buffer.hasRemaining()) {
                sections.add((Section) decoder.readObject());
            }
            return sections;
        }
    }

    /** Connects with TLS to the hub's port 5671; {@code sasl} chooses SASL ANONYMOUS or a bare AMQP header. */
    public RawAmqpClient(SSLContext context, String host, boolean sasl) throws IOException {
        this(RawSocket.tls(context, host, PORT), sasl ? "ANONYMOUS" : null);
    }

    /**
     * A client over {@code socket} (TLS to port 5671, or a WebSocket on 443) authenticating with the SASL
     * {@code mechanism} (the C SDK's is {@code MSSBCBS}), or with no SASL layer if it is null.
     */
    public RawAmqpClient(RawSocket socket, String mechanism) {
        this(socket, mechanism == null ? null : sasl -> sasl.setMechanisms(mechanism));
    }

    /** A client authenticating with SASL PLAIN, as the C SDK's service client does. */
    public static RawAmqpClient plain(RawSocket socket, String user, String password) {
        return new RawAmqpClient(socket, sasl -> sasl.plain(user, password));
    }

    private RawAmqpClient(RawSocket socket, Consumer<Sasl> sasl) {
        this.socket = socket;
        if (sasl != null) {
            Sasl layer = transport.sasl();
            layer.client();
            sasl.accept(layer);
        }
        connection.collect(collector);
        transport.bind(connection);
    }

    public Connection connection() {
        return connection;
    }

    public Transport transport() {
        return transport;
    }

    /** Opens the connection as the SDKs do ({@code hostname} the hub's) and waits for the hub's Open. */
    public void open(String hostname) {
        connection.setHostname(hostname);
        connection.setContainer("raw-" + System.nanoTime());
        connection.open();
        await("the hub's Open", () -> connection.getRemoteState() != EndpointState.UNINITIALIZED);
    }

    /** Begins a session and waits for the hub's Begin. */
    public Session session() {
        Session session = connection.session();
        session.open();
        await("the hub's Begin", () -> session.getRemoteState() != EndpointState.UNINITIALIZED);
        return session;
    }

    /** Attaches a link the client sends on, to {@code address}, and waits for the hub's Attach (accepting or not). */
    public Sender sender(Session session, String address, SenderSettleMode mode) {
        Sender sender = session.sender("sender-" + System.nanoTime());
        sender.setSource(new Source());
        Target target = new Target();
        target.setAddress(address);
        sender.setTarget(target);
        sender.setSenderSettleMode(mode);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        return attached(sender);
    }

    /** Attaches a link the hub sends on, from {@code address}, gives it credit and waits for the hub's Attach. */
    public Receiver receiver(Session session, String address, SenderSettleMode mode) {
        return receiver(session, address, mode, 1000);
    }

    /** As {@link #receiver(Session, String, SenderSettleMode)}, giving {@code credit} (0: the hub may send nothing). */
    public Receiver receiver(Session session, String address, SenderSettleMode mode, int credit) {
        Receiver receiver = session.receiver("receiver-" + System.nanoTime());
        Source source = new Source();
        source.setAddress(address);
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.setSenderSettleMode(mode);
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        return attached(receiver, credit);
    }

    /**
     * Attaches {@code receiver}, set up as the caller's SDK sets its links up (name, termini, properties), gives it
     * {@code credit} and waits for the hub's Attach; {@link #receive} then reads what the hub sends on it.
     */
    public Receiver attached(Receiver receiver, int credit) {
        if (credit > 0) {
            receiver.flow(credit);
        }
        received.put(receiver, new ArrayDeque<>());
        return attached(receiver);
    }

    /** Attaches {@code link}, set up as the caller's SDK sets its links up, and waits for the hub's Attach. */
    public <T extends Link> T attached(T link) {
        link.open();
        await("the hub's Attach of " + link.getName(), () -> link.getRemoteState() != EndpointState.UNINITIALIZED);
        return link;
    }

    /** Sends {@code message}; pre-settled if the link says so, as Node sends twin requests. */
    public Delivery send(Sender sender, Message message) {
        return send(sender, encode(message), 0);
    }

    /** Sends a message's {@code bytes} in the transfer's {@code messageFormat} (a batch's, say). */
    public Delivery send(Sender sender, byte[] bytes, int messageFormat) {
        Delivery delivery = sender.delivery(Long.toString(nextTag++).getBytes(StandardCharsets.US_ASCII));
        delivery.setMessageFormat(messageFormat);
        sender.send(bytes, 0, bytes.length);
        sender.advance();
        if (sender.getSenderSettleMode() == SenderSettleMode.SETTLED) {
            delivery.settle();
        }
        flush();
        return delivery;
    }

    /** The bytes of {@code message}'s sections. */
    public static byte[] encode(Message message) {
        for (byte[] buffer = new byte[1024]; ; buffer = new byte[buffer.length * 2]) {
            try {
                int length = message.encode(buffer, 0, buffer.length);
                return Arrays.copyOf(buffer, length);
            } catch (BufferOverflowException e) {
                // a larger buffer
            }
        }
    }

    /** The next message the hub sends on {@code receiver}; fails if none comes in time. */
    public Received receive(Receiver receiver) {
        Queue<Received> queue = received.get(receiver);
        await("a message on " + receiver.getName(), () -> !queue.isEmpty());
        return queue.remove();
    }

    /** Sends bytes no engine would: after what the engine has to say, so they land where the test means. */
    public void writeRaw(byte[] bytes) {
        flush();
        try {
            socket.out().write(bytes);
            socket.out().flush();
        } catch (IOException e) {
            throw new AssertionError("the hub closed the connection before the test could write", e);
        }
    }

    /** One AMQP frame of {@code body} on {@code channel}, encoded by hand to send with {@link #writeRaw}. */
    public static byte[] frame(int channel, FrameBody body) {
        return frame(channel, body, new byte[0]);
    }

    /** One AMQP frame of {@code body} and {@code payload} (a transfer's message bytes) on {@code channel}. */
    public static byte[] frame(int channel, FrameBody body, byte[] payload) {
        DecoderImpl decoder = new DecoderImpl();
        EncoderImpl encoder = new EncoderImpl(decoder);
        AMQPDefinedTypes.registerAllTypes(decoder, encoder);
        ByteBuffer buffer = ByteBuffer.allocate(4096 + payload.length);
        buffer.position(8);
        encoder.setByteBuffer(buffer);
        encoder.writeObject(body);
        buffer.put(payload);
        int size = buffer.position();
        buffer.putInt(0, size).put(4, (byte) 2).put(5, (byte) 0).putShort(6, (short) channel);
        byte[] frame = new byte[size];
        buffer.get(0, frame);
        return frame;
    }

    /** Whether the hub has closed the network connection. */
    public boolean peerClosed() {
        return peerClosed;
    }

    /**
     * Runs the engine (its output out, the hub's bytes in) until {@code condition} holds; fails saying
     * {@code what} if it does not within 10 s, or if the hub closes the connection first.
     */
    public void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            flush();
            if (condition.getAsBoolean()) {
                return;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what);
            }
            if (peerClosed) {
                throw new AssertionError("the hub closed the connection before " + what);
            }
            read((int) left);
        }
    }

    /** Runs the engine until the hub has closed the network connection, and fails if it keeps it open. */
    public void awaitPeerClosed() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!peerClosed) {
            flush();
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new AssertionError("the hub kept the connection open");
            }
            read((int) left);
        }
        flush();
    }

    private void read(int timeoutMillis) {
        byte[] buffer = new byte[16384];
        int read;
        try {
            socket.readTimeout(timeoutMillis);
            read = socket.in().read(buffer);
        } catch (SocketTimeoutException e) {
            return;
        } catch (IOException e) {
            read = -1; // a reset is a close too
        }
        if (read < 0) {
            peerClosed = true;
            if (transport.capacity() >= 0) {
                transport.close_tail();
            }
            return;
        }
        for (int offset = 0; offset < read; ) {
            int capacity = transport.capacity();
            if (capacity <= 0) {
                return; // the engine has stopped reading: the rest is after the hub's Close
            }
            int length = Math.min(capacity, read - offset);
            transport.tail().put(buffer, offset, length);
            offset += length;
            try {
                transport.process();
            } catch (TransportException e) {
                throw new AssertionError("the hub sent what an AMQP engine cannot read", e);
            }
        }
    }

    /** Hands the engine's events to the links and writes what it has to send. */
    private void flush() {
        for (Event event = collector.peek(); event != null; event = collector.peek()) {
            if (event.getType() == Event.Type.DELIVERY && event.getDelivery().getLink() instanceof Receiver receiver) {
                take(receiver, event.getDelivery());
            }
            collector.pop();
        }
        if (peerClosed) {
            return;
        }
        try {
            for (int pending = transport.pending(); pending > 0; pending = transport.pending()) {
                ByteBuffer head = transport.head();
                byte[] bytes = new byte[pending];
                head.get(bytes);
                transport.pop(pending);
                socket.out().write(bytes);
            }
            socket.out().flush();
        } catch (IOException e) {
            peerClosed = true; // the hub closed first; what it said before is still read
        }
    }

    /** A whole message the hub sent: kept for {@link #receive}, accepted if it came unsettled. */
    private void take(Receiver receiver, Delivery delivery) {
        if (!delivery.isReadable() || delivery.isPartial() || !received.containsKey(receiver)) {
            return;
        }
        byte[] bytes = new byte[delivery.pending()];
        int length = receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        Message message = Proton.message();
        message.decode(bytes, 0, length);
        boolean settled = delivery.remotelySettled();
        if (!settled) {
            delivery.disposition(Accepted.getInstance());
        }
        delivery.settle();
        received.get(receiver).add(new Received(message, bytes, settled));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
