package dev.iothub.emulator.internal.transport;

import dev.iothub.emulator.internal.logging.RateLimitedLog;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a WebSocket upgrade on {@code /$iothub/websocket} must be before Netty's handshaker, which is more lenient,
 * sees it:
 * <ul>
 * <li>of version 13, RFC 6455's, where Netty's would also take its drafts' 7 and 8: another is answered 426 with
 * {@code Sec-WebSocket-Version: 13} (RFC 6455 sections 4.2.2 and 4.4);
 * <li>asking for one of the hub's subprotocols, {@code mqtt} or {@code AMQPWSB10}: the hub answers any other with
 * 400 and no upgrade (a Microsoft engineer's note on the hub's MQTT page, MicrosoftDocs/azure-docs issue 21306),
 * where Netty's would upgrade with no subprotocol.
 * </ul>
 * The hub reads subprotocols without regard to case, as .NET's WebSocket stack compares them: the C SDK asks for
 * {@code MQTT}. Netty's handshaker compares exactly, so the request is given the hub's spelling, which the answer
 * then carries.
 */
@Sharable
final class WebSocketUpgradeRules extends ChannelInboundHandlerAdapter {
    static final WebSocketUpgradeRules INSTANCE = new WebSocketUpgradeRules();
    private static final Logger log = LoggerFactory.getLogger(WebSocketUpgradeRules.class);
    private static final RateLimitedLog refusals = new RateLimitedLog(log);
    private static final String VERSION = "13";
    private static final List<String> OFFERED =
            List.of(HttpsInitializer.MQTT_SUBPROTOCOL, HttpsInitializer.AMQP_SUBPROTOCOL);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof FullHttpRequest request && request.uri().startsWith(HttpsInitializer.WEBSOCKET_PATH)
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            HttpHeaders headers = request.headers();
            if (!VERSION.equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
                FullHttpResponse refusal = refusal(HttpResponseStatus.UPGRADE_REQUIRED);
                refusal.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
                refuse(ctx, request, refusal, "WebSocket version is not 13");
                return;
            }
            String offered = firstOffered(headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL));
            if (offered == null) {
                refuse(ctx, request, refusal(HttpResponseStatus.BAD_REQUEST),
                        "no subprotocol of the hub's (mqtt, AMQPWSB10)");
                return;
            }
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, offered);
        }
        ctx.fireChannelRead(message);
    }

    /** The first of the hub's subprotocols the client asks for, in the hub's spelling, or null if none. */
    private static String firstOffered(String protocols) {
        if (protocols == null) {
            return null;
        }
        return Arrays.stream(protocols.split(",")).map(String::trim)
                .flatMap(asked -> OFFERED.stream().filter(asked::equalsIgnoreCase))
                .findFirst().orElse(null);
    }

    private static FullHttpResponse refusal(HttpResponseStatus status) {
        FullHttpResponse refusal = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
        refusal.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return refusal;
    }

    private static void refuse(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse refusal,
                               String why) {
        request.release();
        refusals.info("WebSocket upgrade from {} refused ({}): {}", ctx.channel().remoteAddress(),
                refusal.status().code(), why);
        ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
    }
}
