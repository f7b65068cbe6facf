package dev.iothub.emulator.internal.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Reads no more from a client while what was written to it waits over the high-water mark: a client that
 * sends requests and never reads the answers then stalls itself, not the emulator's memory.
 */
@Sharable
final class Backpressure extends ChannelInboundHandlerAdapter {
    static final Backpressure INSTANCE = new Backpressure();

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }
}
