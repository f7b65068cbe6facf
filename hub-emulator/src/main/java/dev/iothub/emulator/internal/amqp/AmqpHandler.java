package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.device.DeviceHub;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Collector;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives Proton-J's engine for one AMQP 1.0 connection, on port 5671 behind TLS or on 443 behind a WebSocket:
 * bytes from the network go into the engine, its events go to {@link AmqpConnection}, what it has to send
 * goes out, and a timer ticks it for heartbeats and the idle timeout. The engine is not thread-safe, so all
 * of one connection runs on this handler's executor, work from other threads included ({@link #execute}).
 */
public final class AmqpHandler extends ChannelDuplexHandler {
    private static final Logger log = LoggerFactory.getLogger(AmqpHandler.class);
    /** What the hub advertises in its Open frame. */
    private static final int MAX_FRAME_SIZE = 65536;
    private static final int CHANNEL_MAX = 8191;
    /** Proton-J advertises half its own idle timeout: the hub's 240 s. */
    private static final int IDLE_TIMEOUT_MILLIS = 480_000;
    /**
     * The most one write carries: over a WebSocket one frame, within one TLS record. The device SDK's WebSocket
     * layer (qpid-proton-j-extensions 1.2.4) can stall when a frame's header is split between two reads.
     */
    private static final int MAX_WRITE = 16_000;
    /** How long the hub waits for the client's Close after its own before it ends the connection anyway. */
    private static final long CLOSE_TIMEOUT_MILLIS = 1_000;

    private final DeviceHub devices;
    private final Duration openTimeout;
    private ChannelHandlerContext ctx;
    private Transport transport;
    private Connection engine;
    private Collector collector;
    private AmqpConnection connection;
    private ScheduledFuture<?> tick;
    private long tickDeadline;
    private boolean closing;
    /** A close of the channel asked for while the hub's AMQP Close waits for the client's. */
    private ChannelPromise closeRequested;
    /** The engine failed on a frame: it reads nothing more, and the connection ends once its Close is sent. */
    private boolean inputFailed;
    private final FrameBoundaries frames = new FrameBoundaries();
    /** Ends the connection if the frame under way is not whole in time. */
    private ScheduledFuture<?> frameDeadline;

    /**
     * {@code openTimeout}: how long after the connection (or the WebSocket upgrade) the client's Open may come,
     * and each frame may take from its first byte to its last.
     */
    public AmqpHandler(DeviceHub devices, Duration openTimeout) {
        this.devices = devices;
        this.openTimeout = openTimeout;
    }

    /** Starts the engine when the handler joins the pipeline: on 443 that is after the WebSocket handshake. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        transport = Proton.transport();
        transport.setMaxFrameSize(MAX_FRAME_SIZE);
        transport.setChannelMax(CHANNEL_MAX);
        transport.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
        // Java's SDK authenticates with SASL ANONYMOUS, Node's sends no SASL at all; identity comes later, from CBS.
        Sasl sasl = transport.sasl();
        sasl.server();
        sasl.setMechanisms("ANONYMOUS");
        sasl.allowSkip(true);
        sasl.setListener(new AnonymousSasl());
        engine = Proton.connection();
        collector = Proton.collector();
        engine.collect(collector);
        transport.bind(engine);
        connection = new AmqpConnection(devices, this, ctx.channel().remoteAddress());
        ctx.executor().schedule(() -> {
            if (engine.getRemoteState() == EndpointState.UNINITIALIZED && ctx.channel().isOpen()) {
                log.info("AMQP connection from {} closed: no Open within {} s", ctx.channel().remoteAddress(),
                        openTimeout.toSeconds());
                closing = true; // nothing to say: the client has not opened the connection
                ctx.close();
            }
        }, openTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (!(message instanceof ByteBuf bytes)) {
            ctx.fireChannelRead(message);
            return;
        }
        try {
            watchFrames(bytes);
            if (!inputFailed) {
                ProtonBytes.feed(transport, bytes);
            }
        } catch (TransportException e) {
            // the engine has closed itself with the error it will send (a framing or decode error)
            log.info("AMQP connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
        } catch (RuntimeException e) {
            // Proton-J throws on some frames that do not fit the connection's state (a Begin answering a
            // channel never begun, ...) without closing: the hub closes with a condition, not just the socket
            inputFailed = true;
            AmqpConnection.close(engine, AmqpConnection.ILLEGAL_STATE, "The frame does not fit the state of the connection.");
            log.info("AMQP connection from {} closed: a frame the engine cannot apply ({})",
                    ctx.channel().remoteAddress(), e.toString());
        } finally {
            bytes.release();
        }
        pump();
    }

    /**
     * A frame must be whole within the opening limit of its first byte: the engine's idle timeout counts bytes,
     * so a peer sending one every few minutes, never finishing a frame, would otherwise be kept for ever.
     */
    private void watchFrames(ByteBuf bytes) {
        boolean ended = frames.scan(bytes);
        if (frameDeadline != null && (ended || !frames.midUnit())) {
            frameDeadline.cancel(false);
            frameDeadline = null;
        }
        if (frameDeadline == null && frames.midUnit()) {
            frameDeadline = ctx.executor().schedule(() -> {
                log.info("AMQP connection from {} closed: no whole frame within {} s of its start",
                        ctx.channel().remoteAddress(), openTimeout.toSeconds());
                closing = true; // the peer is mid-frame: nothing the hub says could be read
                ctx.close();
            }, openTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs {@code work} on this connection's thread, then sends what it made the engine say. */
    void execute(Runnable work) {
        ctx.executor().execute(() -> {
            if (!closing) {
                work.run();
                pump();
            }
        });
    }

    /** Hands the engine's events to the connection, writes what the engine has to send, and sets the next tick. */
    void pump() {
        while (true) {
            for (Event event = collector.peek(); event != null; event = collector.peek()) {
                connection.handle(event);
                collector.pop();
            }
            ByteBuf out = ProtonBytes.take(transport, ctx.alloc(), MAX_WRITE);
            if (out != null) {
                ctx.writeAndFlush(out);
            } else {
                boolean awaitingClientClose = closeRequested != null && engine.getRemoteState() != EndpointState.CLOSED;
                if (transport.pending() < 0 && !closing && !awaitingClientClose) {
                    closing = true; // the engine has said all it will: the connection ends once that is sent
                    ChannelPromise closed = closeRequested != null ? closeRequested : ctx.newPromise();
                    ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(written -> ctx.close(closed));
                }
                break;
            }
        }
        scheduleTick();
    }

    private void scheduleTick() {
        if (closing) {
            return;
        }
        long now = System.nanoTime() / 1_000_000;
        long deadline = transport.tick(now);
        if (deadline == 0 || (tick != null && tickDeadline <= deadline)) {
            return;
        }
        if (tick != null) {
            tick.cancel(false);
        }
        tickDeadline = deadline;
        tick = ctx.executor().schedule(() -> {
            tick = null;
            pump();
        }, Math.max(1, deadline - now), TimeUnit.MILLISECONDS);
    }

    /**
     * The hub ends the connection (it is stopping, say): as the hub does, with an AMQP Close first
     * ({@code amqp:connection:forced}), and it waits a moment for the client's Close before it ends the TCP
     * connection. Over a WebSocket the device SDK notices nothing else: neither a WebSocket Close nor the end of
     * the TCP connection, only, minutes later, its idle timeout; and a Close whose connection ends at once it
     * sometimes misses too.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (closing || engine.getLocalState() == EndpointState.CLOSED) {
            ctx.close(promise);
            return;
        }
        AmqpConnection.close(engine, "amqp:connection:forced", "The hub closed the connection.");
        closeRequested = promise;
        ctx.executor().schedule(() -> {
            if (!promise.isDone()) {
                ctx.close(promise);
            }
        }, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        pump();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        if (tick != null) {
            tick.cancel(false);
        }
        if (frameDeadline != null) {
            frameDeadline.cancel(false);
        }
        connection.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("AMQP connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** SASL ANONYMOUS: nothing to check, as the hub authenticates each identity over CBS afterwards. */
    private static final class AnonymousSasl implements SaslListener {
        @Override
        public void onSaslInit(Sasl sasl, Transport transport) {
            sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
        }

        @Override
        public void onSaslResponse(Sasl sasl, Transport transport) {
        }

        @Override
        public void onSaslMechanisms(Sasl sasl, Transport transport) {
        }

        @Override
        public void onSaslChallenge(Sasl sasl, Transport transport) {
        }

        @Override
        public void onSaslOutcome(Sasl sasl, Transport transport) {
        }
    }
}
