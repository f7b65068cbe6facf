package dev.iothub.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;

/**
 * Drives a client's Proton-J engine over one Netty channel (behind TLS): bytes read go into the engine, its
 * events go to the client, and what the engine has to send is written. The engine is not thread-safe; all of
 * it runs on the channel's event loop. Records how the connection ended.
 */
final class ProtonClientHandler extends ChannelInboundHandlerAdapter {
    /** The device SDK's frame size: larger ones broke its WebSocket layer, so it asks for 4 KiB everywhere. */
    private static final int MAX_FRAME_SIZE = 4096;
    /**
     * The device SDK's keep-alive, 230 s, which Proton-J advertises halved: the emulator then schedules heartbeats
     * as it does for the SDK. This client never ticks its own engine, as it holds connections for a minute or two.
     */
    private static final int SDK_IDLE_TIMEOUT_MILLIS = 230_000;

    /** How a connection ended: the condition of the emulator's Close ("no error" if it gave none), or no Close at all. */
    record Ending(String condition, String description) {
        static final Ending NO_CLOSE = new Ending("no Close", "the socket ended without an AMQP Close");

        static Ending of(ErrorCondition condition) {
            return condition == null || condition.getCondition() == null ? new Ending("no error", "")
                    : new Ending(condition.getCondition().toString(), condition.getDescription());
        }
    }

    private final AmqpClient client;
    private final int idleTimeoutMillis;
    private final Transport transport = Proton.transport();
    private final Collector collector = Proton.collector();
    private final CompletableFuture<Ending> ending = new CompletableFuture<>();

    ProtonClientHandler(AmqpClient client) {
        this(client, SDK_IDLE_TIMEOUT_MILLIS);
    }

    /** A client that asks for {@code idleTimeoutMillis}, which Proton-J advertises halved. */
    ProtonClientHandler(AmqpClient client, int idleTimeoutMillis) {
        this.client = client;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    /** Completed once the emulator has closed the connection, or the socket has ended. */
    CompletableFuture<Ending> ending() {
        return ending;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        transport.setMaxFrameSize(MAX_FRAME_SIZE);
        transport.setIdleTimeout(idleTimeoutMillis);
        Sasl sasl = transport.sasl(); // ANONYMOUS, as the SDK: the module authenticates later, by put-token
        sasl.client();
        sasl.setMechanisms("ANONYMOUS");
        Connection connection = Proton.connection();
        connection.collect(collector);
        transport.bind(connection);
        client.open(connection);
        pump(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        try {
            feed(bytes);
        } catch (TransportException e) {
            ending.complete(new Ending("refused by the client", e.getMessage()));
            client.failed(); // the engine has closed itself, with the error it sends the hub
        } finally {
            bytes.release();
        }
        pump(ctx);
    }

    /** Hands the engine's events to the client and writes what the engine has to send. */
    private void pump(ChannelHandlerContext ctx) {
        while (true) {
            for (Event event = collector.peek(); event != null; event = collector.peek()) {
                if (event.getType() == Event.Type.CONNECTION_REMOTE_CLOSE) {
                    ending.complete(Ending.of(event.getConnection().getRemoteCondition()));
                }
                client.handle(event);
                collector.pop();
            }
            ByteBuffer output = transport.getOutputBuffer();
            int length = output.remaining();
            if (length == 0) {
                if (transport.pending() < 0) {
                    ctx.close(); // the engine has said all it will
                }
                return;
            }
            ctx.writeAndFlush(ctx.alloc().buffer(length).writeBytes(output));
            transport.pop(length);
        }
    }

    /**
     * Hands the engine what it has room for of {@code bytes}. The emulator's ProtonBytes does this on its side, but
     * inside hub-emulator's library jar its Netty and Proton-J types are relocated ones, not this client's.
     */
    private void feed(ByteBuf bytes) throws TransportException {
        while (bytes.isReadable() && transport.capacity() > 0) {
            ByteBuffer input = transport.getInputBuffer();
            int length = Math.min(input.remaining(), bytes.readableBytes());
            input.put(bytes.nioBuffer(bytes.readerIndex(), length));
            bytes.skipBytes(length);
            transport.process();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ending.complete(Ending.NO_CLOSE);
        client.failed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ending.complete(new Ending(Ending.NO_CLOSE.condition(), "the socket failed without an AMQP Close: " + cause));
        ctx.close();
    }
}
