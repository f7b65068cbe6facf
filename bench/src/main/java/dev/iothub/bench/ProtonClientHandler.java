package dev.iothub.bench;

import dev.iothub.emulator.internal.amqp.ProtonBytes;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;

/**
 * Drives a client's Proton-J engine over one Netty channel (behind TLS): bytes read go into the engine, its
 * events go to the module's connection, and what the engine has to send is written. The engine is not
 * thread-safe; all of it runs on the channel's event loop.
 */
final class ProtonClientHandler extends ChannelInboundHandlerAdapter {
    /** The device SDK's frame size: larger ones broke its WebSocket layer, so it asks for 4 KiB everywhere. */
    private static final int MAX_FRAME_SIZE = 4096;
    /**
     * The device SDK's keep-alive, 230 s, which Proton-J advertises halved: the emulator then schedules heartbeats
     * as it does for the SDK. This client never ticks its own engine, as it holds connections for a minute or two.
     */
    private static final int IDLE_TIMEOUT_MILLIS = 230_000;

    private final AmqpModuleConnection module;
    private final Transport transport = Proton.transport();
    private final Collector collector = Proton.collector();

    ProtonClientHandler(AmqpModuleConnection module) {
        this.module = module;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        transport.setMaxFrameSize(MAX_FRAME_SIZE);
        transport.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        Sasl sasl = transport.sasl(); // ANONYMOUS, as the SDK: the module authenticates later, by put-token
        sasl.client();
        sasl.setMechanisms("ANONYMOUS");
        Connection connection = Proton.connection();
        connection.collect(collector);
        transport.bind(connection);
        module.open(connection);
        pump(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf bytes = (ByteBuf) message;
        try {
            ProtonBytes.feed(transport, bytes);
        } catch (TransportException e) {
            module.failed(); // the engine has closed itself, with the error it sends the hub
        } finally {
            bytes.release();
        }
        pump(ctx);
    }

    /** Hands the engine's events to the module's connection and writes what the engine has to send. */
    private void pump(ChannelHandlerContext ctx) {
        while (true) {
            for (Event event = collector.peek(); event != null; event = collector.peek()) {
                module.handle(event);
                collector.pop();
            }
            ByteBuf out = ProtonBytes.take(transport, ctx.alloc(), Integer.MAX_VALUE);
            if (out == null) {
                if (transport.pending() < 0) {
                    ctx.close(); // the engine has said all it will
                }
                return;
            }
            ctx.writeAndFlush(out);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        module.failed();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
