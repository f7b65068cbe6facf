package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerAdapter;
import io.netty.channel.ChannelHandlerContext;
import java.time.Duration;

/**
 * Counts the connections whose pipelines are not yet torn down. A closed connection's pipeline is torn down
 * after its close, by tasks that hop between its event loop and its handler thread; stopping either thread
 * before the last hop makes Netty log each rejected task. Added first in a pipeline, this handler is the last
 * to be removed from it.
 */
@Sharable
final class Teardowns extends ChannelHandlerAdapter {
    private int pending;

    @Override
    public synchronized void handlerAdded(ChannelHandlerContext ctx) {
        pending++;
    }

    @Override
    public synchronized void handlerRemoved(ChannelHandlerContext ctx) {
        if (--pending == 0) {
            notifyAll();
        }
    }

    /** Waits until every pipeline is torn down, or {@code limit} has passed; true if all are. */
    synchronized boolean awaitAll(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            for (long left = limit.toMillis(); pending > 0 && left > 0;
                 left = Duration.ofNanos(deadline - System.nanoTime()).toMillis()) {
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pending == 0;
    }
}
