package dev.iothub.emulator.internal.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Arrays;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket upgrade on {@code /$iothub/websocket} must ask for one of the hub's subprotocols, {@code mqtt} or
 * {@code AMQPWSB10}; the hub answers any other with 400 and no upgrade (a Microsoft engineer's note on the hub's
 * MQTT page, MicrosoftDocs/azure-docs issue 21306). Netty's handshaker would upgrade it with no subprotocol.
 */
@Sharable
final class WebSocketSubprotocols extends ChannelInboundHandlerAdapter {
    static final WebSocketSubprotocols INSTANCE = new WebSocketSubprotocols();
    private static final Logger log = LoggerFactory.getLogger(WebSocketSubprotocols.class);
    private static final Set<String> OFFERED = Set.of(HttpsInitializer.MQTT_SUBPROTOCOL, HttpsInitializer.AMQP_SUBPROTOCOL);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof FullHttpRequest request && request.uri().startsWith(HttpsInitializer.WEBSOCKET_PATH)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && !asksForOneOffered(request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL))) {
            log.info("WebSocket upgrade from {} refused (400): no subprotocol of the hub's (mqtt, AMQPWSB10)",
                    ctx.channel().remoteAddress());
            request.release();
            DefaultFullHttpResponse refusal = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER);
            refusal.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelRead(message);
    }

    private static boolean asksForOneOffered(String protocols) {
        return protocols != null && Arrays.stream(protocols.split(",")).map(String::trim).anyMatch(OFFERED::contains);
    }
}
