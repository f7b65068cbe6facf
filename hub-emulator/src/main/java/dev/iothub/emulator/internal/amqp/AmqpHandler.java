package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.events.BuiltInEndpoint;
import dev.iothub.emulator.internal.events.EventHubAccess;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.logging.Failures;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.service.ServiceTokens;
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
    private static final RateLimitedLog breaches = new RateLimitedLog(log);
    /** What the hub advertises in its Open frame. */
    private static final int MAX_FRAME_SIZE = 65536;
    static final int CHANNEL_MAX = 8191;
    /**
     * The most one write carries: over a WebSocket one frame, within one TLS record. The device SDK's WebSocket
     * layer (qpid-proton-j-extensions 1.2.4) can stall when a frame's header is split between two reads.
     */
    private static final int MAX_WRITE = 16_000;
    /** How long the hub waits for the client's Close after its own before it ends the connection anyway. */
    private static final long CLOSE_TIMEOUT_MILLIS = 1_000;

    private final DeviceHub devices;
    private final DirectMethods methods;
    private final ServiceTokens serviceTokens;
    private final BuiltInEndpoint builtInEndpoint;
    private final EventHubAccess eventHubs;
    private final CloudToDeviceHub cloudToDevice;
    private final Duration openTimeout;
    /** A client silent this long is closed; Proton-J advertises half of it (the hub's 240 s, by default). */
    private final int idleTimeoutMillis;
    private ChannelHandlerContext ctx;
    private Transport transport;
    private Connection engine;
    private Collector collector;
    private AmqpConnection connection;
    private ScheduledFuture<?> tick;
    private long tickDeadline;
    /** When the client last sent anything, in milliseconds of the monotonic clock. */
    private long lastInputMillis = System.nanoTime() / 1_000_000;

    private boolean closing;
    /** A close of the channel asked for while the hub's AMQP Close waits for the client's. */
    private ChannelPromise closeRequested;
    /** The engine failed on a frame: it reads nothing more, and the connection ends once its Close is sent. */
    private boolean inputFailed;
    private final FrameBoundaries frames = new FrameBoundaries(CHANNEL_MAX);
    /** Ends the connection if the frame under way is not whole in time. */
    private ScheduledFuture<?> frameDeadline;
    private final ConnectionBudget budget = new ConnectionBudget();
    private final SaslNegotiation sasl = new SaslNegotiation(new SaslNegotiation.PlainCredentials() {
        @Override
        public String service(String policy, String sasToken) {
            return connection.servicePlain(policy, sasToken);
        }

        @Override
        public String eventHub(String policy, String key) {
            return connection.eventHubPlain(policy, key);
        }
    });
    /** Ends the connection if the client's Open does not come in time. */
    private ScheduledFuture<?> openDeadline;
    /** Holds a client with no identity to what it needs to wait for one, if no put-token succeeds in time. */
    private ScheduledFuture<?> authenticationDeadline;

    /**
     * {@code openTimeout}: how long after the connection (or the WebSocket upgrade) the client's Open may come,
     * and each frame may take from its first byte to its last; {@code idleTimeout}: how long a client may be
     * silent.
     */
    public AmqpHandler(DeviceHub devices, DirectMethods methods, ServiceTokens serviceTokens,
                       CloudToDeviceHub cloudToDevice, BuiltInEndpoint builtInEndpoint, EventHubAccess eventHubs,
                       Duration openTimeout, Duration idleTimeout) {
        this.devices = devices;
        this.builtInEndpoint = builtInEndpoint;
        this.eventHubs = eventHubs;
        this.methods = methods;
        this.cloudToDevice = cloudToDevice;
        this.serviceTokens = serviceTokens;
        this.openTimeout = openTimeout;
        this.idleTimeoutMillis = (int) idleTimeout.toMillis();
    }

    /** Starts the engine when the handler joins the pipeline: on 443 that is after the WebSocket handshake. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        transport = Proton.transport();
        transport.setMaxFrameSize(MAX_FRAME_SIZE);
        transport.setChannelMax(CHANNEL_MAX);
        transport.setIdleTimeout(idleTimeoutMillis);
        sasl.offer(transport);
        engine = Proton.connection();
        collector = Proton.collector();
        engine.collect(collector);
        transport.bind(engine);
        connection = new AmqpConnection(devices, methods, serviceTokens, cloudToDevice, builtInEndpoint, eventHubs,
                this, ctx.channel().remoteAddress());
        openDeadline = ctx.executor().schedule(() -> {
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
        lastInputMillis = System.nanoTime() / 1_000_000;
        try {
            FrameBoundaries.Violation violation = watchFrames(bytes);
            if (!inputFailed) {
                ProtonBytes.feed(transport, violation == null ? bytes : bytes.slice(bytes.readerIndex(),
                        Math.max(0, violation.at() - bytes.readerIndex())));
            }
            if (violation != null && !inputFailed) {
                refuseFrame(violation.why());
            }
        } catch (TransportException e) {
            if (frames.beforeAmqp()) {
                refuseFrame(e.getMessage()); // during SASL: no Close of the engine's to wait for
            } else {
                // the engine has closed itself with the error it will send (a framing or decode error)
                log.info("AMQP connection from {}: {}", ctx.channel().remoteAddress(), e.getMessage());
            }
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
    private FrameBoundaries.Violation watchFrames(ByteBuf bytes) {
        FrameBoundaries.Violation violation = frames.scan(bytes);
        boolean ended = frames.ended();
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
        return violation;
    }

    /**
     * A frame no peer may send (on a channel beyond the hub's channel-max; during SASL, any the engine refuses):
     * once AMQP's protocol header has come, a Close with {@code amqp:connection:framing-error}; before it, during
     * SASL, there is no AMQP connection to close, so the network connection ends at once.
     */
    private void refuseFrame(String why) {
        inputFailed = true;
        if (frames.beforeAmqp()) {
            log.info("AMQP connection from {} closed: {}", ctx.channel().remoteAddress(), why);
            closing = true;
            ctx.close();
        } else {
            end(new ConnectionBudget.Breach("amqp:connection:framing-error", why));
        }
    }

    ConnectionBudget budget() {
        return budget;
    }

    /**
     * The client is over its budget (or broke the protocol): the hub reads nothing more from it, and ends the
     * connection with the breach's condition once its Close is out.
     */
    void end(ConnectionBudget.Breach breach) {
        if (inputFailed && engine.getLocalState() == EndpointState.CLOSED) {
            return; // already ending
        }
        inputFailed = true;
        closeWith(breach.condition(), breach.description(), ctx.newPromise());
        breaches.info("AMQP connection from {} closed ({}): {}", ctx.channel().remoteAddress(), breach.condition(),
                breach.description());
    }

    /**
     * Sends the hub's Close with {@code condition}, and ends the network connection once the client's Close has
     * come, or {@link #CLOSE_TIMEOUT_MILLIS} later: closed at once, a connection with the client's bytes still
     * unread is reset, and the client may never read the Close that says why.
     */
    private void closeWith(String condition, String description, ChannelPromise promise) {
        AmqpConnection.close(engine, condition, description);
        closeRequested = promise;
        ctx.executor().schedule(() -> {
            if (!promise.isDone()) {
                ctx.close(promise);
            }
        }, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * The client's Open came: unless a put-token succeeds within the opening limit, the client may then only
     * wait for one, holding little (see {@link ConnectionBudget#unauthenticatedAfterOpening}).
     */
    void awaitAuthentication() {
        authenticationDeadline = ctx.executor().schedule(() -> execute(() -> {
            ConnectionBudget.Breach breach = budget.unauthenticatedAfterOpening();
            if (breach != null) {
                end(breach);
            }
        }), openTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A put-token succeeded: the connection gets an authenticated client's budget, and no deadline. */
    void authenticated() {
        budget.authenticated();
        if (authenticationDeadline != null) {
            authenticationDeadline.cancel(false);
            authenticationDeadline = null;
        }
    }

    /** Runs {@code work} on the connection's thread {@code delay} from now, unless the connection is ending. */
    void schedule(Runnable work, Duration delay) {
        ctx.executor().schedule(() -> execute(work), delay.toMillis(), TimeUnit.MILLISECONDS);
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
                if ((transport.pending() < 0 || sasl.refused()) && !closing && !awaitingClientClose) {
                    closing = true; // the engine has said all it will: the connection ends once that is sent
                    ChannelPromise closed = closeRequested != null ? closeRequested : ctx.newPromise();
                    if (ctx.channel().isWritable()) {
                        ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(written -> ctx.close(closed));
                    } else {
                        ctx.close(closed); // a client that does not read would never let it be sent
                    }
                }
                break;
            }
        }
        scheduleTick();
    }

    /**
     * Ticks the engine (it writes a heartbeat when the client's idle timeout asks for one, and notices a client
     * silent for too long) and sets the next tick. While the client does not read what was written to it, the
     * engine is ticked only once the client has also been silent for the idle timeout, so that it is closed
     * then; heartbeats would only pile up unread.
     */
    private void scheduleTick() {
        if (closing) {
            return;
        }
        long now = System.nanoTime() / 1_000_000;
        long deadline;
        if (ctx.channel().isWritable() || now - lastInputMillis >= idleTimeoutMillis) {
            deadline = transport.tick(now);
            if (deadline == 0) {
                return;
            }
        } else {
            deadline = Math.min(now + AmqpConnection.MIN_IDLE_TIMEOUT_MILLIS / 2, lastInputMillis + idleTimeoutMillis);
        }
        if (tick != null && tickDeadline <= deadline) {
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
        closeWith("amqp:connection:forced", "The hub closed the connection.", promise);
        pump();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing = true;
        // nothing scheduled may hold the connection, its engine and its sessions once it has ended
        for (ScheduledFuture<?> task
                : new ScheduledFuture<?>[] {tick, frameDeadline, openDeadline, authenticationDeadline}) {
            if (task != null) {
                task.cancel(false);
            }
        }
        connection.closed(sasl.failure(transport));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!Failures.isInternal(cause)) {
            log.info("AMQP connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        } else if (inputFailed) { // already ending, perhaps because of this failure: no second Close
            log.error("AMQP connection from {} closed: the emulator failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        } else {
            log.error("AMQP connection from {} closing: the emulator failed", ctx.channel().remoteAddress(), cause);
            inputFailed = true;
            closeWith(AmqpConnection.INTERNAL_ERROR, "The hub emulator failed: " + cause.getClass().getSimpleName(),
                    ctx.newPromise());
            pump();
        }
    }
}
