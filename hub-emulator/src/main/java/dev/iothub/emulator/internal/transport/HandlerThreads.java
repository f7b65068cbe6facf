package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The threads the protocol handlers run on: they wait on the store, so never on an event loop. What a client
 * sends is counted in and out of them, so that reading stops while too much of it waits (see
 * {@link Backpressure}). Once the emulator is stopping, what waits is dropped: its answers could not be sent
 * anyway, and it would hold up the end of the connection.
 */
final class HandlerThreads {
    private final EventExecutorGroup group = new DefaultEventExecutorGroup(
            Math.max(4, Runtime.getRuntime().availableProcessors() * 2));
    private final Entry entry = new Entry();

    /** Adds {@code handler} as {@code name} on one of these threads, behind the stages counting what it is handed. */
    void addLast(ChannelPipeline pipeline, String name, ChannelHandler handler) {
        pipeline.addLast(handOnName(name), HandOn.INSTANCE)
                .addLast(group, entryName(name), entry)
                .addLast(group, name, handler);
    }

    /** Removes what {@link #addLast} added as {@code name}. */
    void remove(ChannelPipeline pipeline, String name) {
        pipeline.remove(handOnName(name));
        pipeline.remove(entryName(name));
        pipeline.remove(name);
        Backpressure.forgetWaiting(pipeline.channel());
    }

    /** From now on, what clients sent is dropped before it reaches a handler. */
    void beginStopping() {
        entry.stopping = true;
    }

    Future<?> shutdownGracefully(long quietMillis, long timeoutMillis) {
        return group.shutdownGracefully(quietMillis, timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private static String handOnName(String name) {
        return name + "-hand-on";
    }

    private static String entryName(String name) {
        return name + "-entry";
    }

    /** On the event loop: counts what is handed to the handler thread. */
    @Sharable
    private static final class HandOn extends ChannelInboundHandlerAdapter {
        static final HandOn INSTANCE = new HandOn();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            Backpressure.handedOn(ctx.channel());
            ctx.fireChannelRead(message);
        }
    }

    /** On the handler thread: counts what the handler is done with, and drops what comes once stopping. */
    @Sharable
    private static final class Entry extends ChannelInboundHandlerAdapter {
        private volatile boolean stopping;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            try {
                if (stopping) {
                    ReferenceCountUtil.release(message);
                } else {
                    ctx.fireChannelRead(message);
                }
            } finally {
                Backpressure.handled(ctx.channel());
            }
        }
    }
}
