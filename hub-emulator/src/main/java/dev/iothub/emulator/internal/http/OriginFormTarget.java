package dev.iothub.emulator.internal.http;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;

/**
 * Rewrites a request target in absolute form ({@code https://host/path?query}) to its origin form
 * ({@code /path?query}), as HTTP/1.1 servers must accept it (RFC 9112, 3.2.2) and as the device SDK's
 * AMQP-over-WebSocket upgrade sends it, so that the stages after it see only paths.
 */
@Sharable
public final class OriginFormTarget extends ChannelInboundHandlerAdapter {
    public static final OriginFormTarget INSTANCE = new OriginFormTarget();

    private OriginFormTarget() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) throws Exception {
        if (message instanceof HttpRequest request) {
            request.setUri(originForm(request.uri()));
        }
        super.channelRead(ctx, message);
    }

    static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (scheme < 0 || target.startsWith("/")) {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        return path < 0 ? "/" : target.substring(path);
    }
}
