package dev.iothub.emulator.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads no more from a client while what was written to it waits over the high-water mark, or while many of
 * its requests wait for a handler thread: a client that sends requests and never reads the answers, or sends
 * them faster than they are handled, then stalls itself, not the emulator's memory.
 */
@Sharable
final class Backpressure extends ChannelInboundHandlerAdapter {
    static final Backpressure INSTANCE = new Backpressure();
    /** Requests read but not yet handled, beyond which reading stops. */
    static final int MAX_WAITING = 32;

    private static final AttributeKey<AtomicInteger> WAITING = AttributeKey.valueOf(Backpressure.class, "waiting");

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        update(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    /** On the event loop: a request is handed to a handler thread. */
    static void handedOn(Channel channel) {
        if (waiting(channel).incrementAndGet() == MAX_WAITING) {
            update(channel);
        }
    }

    /** On a handler thread: a request handed on is done with. */
    static void handled(Channel channel) {
        if (waiting(channel).decrementAndGet() == MAX_WAITING - 1) {
            // the event loop decides, so that the last decision is taken on the latest count
            channel.eventLoop().execute(() -> update(channel));
        }
    }

    /** The handler stages are gone, and with them whatever requests waited for them. */
    static void forgetWaiting(Channel channel) {
        waiting(channel).set(0);
        channel.eventLoop().execute(() -> update(channel));
    }

    private static void update(Channel channel) {
        channel.config().setAutoRead(channel.isWritable() && waiting(channel).get() < MAX_WAITING);
    }

    private static AtomicInteger waiting(Channel channel) {
        AtomicInteger waiting = channel.attr(WAITING).get();
        if (waiting == null) {
            waiting = new AtomicInteger();
            AtomicInteger raced = channel.attr(WAITING).setIfAbsent(waiting);
            waiting = raced == null ? waiting : raced;
        }
        return waiting;
    }
}
