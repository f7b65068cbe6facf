package dev.iothub.emulator.internal.transport;

import dev.iothub.emulator.internal.logging.RateLimitedLog;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.PromiseNotifier;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP's time limits on one connection: a request must arrive whole within {@link Limits#opening()} of the
 * connection's start or of its own first byte, however slowly it trickles in; a connection with no request
 * under way is closed after {@link Limits#idle()}. Two stages share the clock: {@link #bytes} before the HTTP
 * codec sees a request begin, {@link #requests} after the aggregator sees it whole and its answer leave. All
 * of it runs on the connection's event loop.
 */
final class HttpDeadlines {
    private static final Logger log = LoggerFactory.getLogger(HttpDeadlines.class);
    private static final RateLimitedLog slowRequests = new RateLimitedLog(log);

    private final Limits limits;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> deadline;
    private boolean requestUnderWay;
    private int answersPending;
    private boolean removed;

    final ChannelInboundHandlerAdapter bytes = new ChannelInboundHandlerAdapter() {
        @Override
        public void channelActive(ChannelHandlerContext context) {
            ctx = context;
            requestBegins();
            context.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof ByteBuf && !requestUnderWay && answersPending == 0) {
                requestBegins();
            }
            context.fireChannelRead(message);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext context) {
            stop();
        }
    };

    final ChannelDuplexHandler requests = new ChannelDuplexHandler() {
        @Override
        public void channelRead(ChannelHandlerContext context, Object message) {
            if (message instanceof FullHttpRequest) {
                requestUnderWay = false;
                answersPending++;
                cancel();
            }
            context.fireChannelRead(message);
        }

        @Override
        public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
            if (message instanceof LastHttpContent) { // a FullHttpResponse is one too
                // The handler thread's promise would call a listener on that thread, racing the event loop for the
                // clock: an idle deadline set there could overwrite, uncancelled, the request deadline that the next
                // request's first bytes had just set here, which then closed the busy connection mid-request. This
                // stage's own promise calls it here, on the event loop.
                ChannelPromise written = context.newPromise().addListener(answer -> answerWritten());
                PromiseNotifier.cascade(written, promise.unvoid());
                context.write(message, written);
            } else {
                context.write(message, promise);
            }
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext context) {
            stop();
        }
    };

    HttpDeadlines(Limits limits) {
        this.limits = limits;
    }

    private void answerWritten() {
        if (--answersPending == 0 && !requestUnderWay) {
            schedule(limits.idle(), null);
        }
    }

    private void requestBegins() {
        requestUnderWay = true;
        schedule(limits.opening(), "no whole HTTP request within " + limits.opening().toSeconds() + " s of its start");
    }

    /** Closes the connection when {@code after} has passed, logging {@code why} (at most every 10 s) if given. */
    private void schedule(Duration after, String why) {
        cancel();
        if (removed || ctx == null) {
            return;
        }
        deadline = ctx.executor().schedule(() -> {
            if (why != null) {
                slowRequests.warn("HTTPS connection from " + ctx.channel().remoteAddress() + " closed: " + why);
            } else {
                log.debug("HTTPS connection from {} closed: idle", ctx.channel().remoteAddress());
            }
            ctx.close();
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    /** A WebSocket upgrade hands the connection to MQTT or AMQP, whose own limits take over. */
    private void stop() {
        removed = true;
        cancel();
    }
}
