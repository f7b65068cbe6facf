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
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a WebSocket upgrade must be before Netty's handshaker, which is more lenient, sees it:
 * <ul>
 * <li>of version 13, RFC 6455's, where Netty's would also take its drafts' 7 and 8: another is answered 426 with
 * {@code Sec-WebSocket-Version: 13} (RFC 6455 sections 4.2.2 and 4.4);
 * <li>asking for one of the subprotocols the hub serves on its path: {@code mqtt} or {@code AMQPWSB10} on
 * {@code /$iothub/websocket}, {@code AMQPWSB10} on the Event Hubs clients' {@code /$servicebus/websocket} (with or
 * without a trailing slash). The hub answers any other with 400 and no upgrade (a Microsoft engineer's note on the
 * hub's MQTT page, MicrosoftDocs/azure-docs issue 21306), where Netty's would upgrade with no subprotocol.
 * </ul>
 * The hub reads subprotocols without regard to case, as .NET's WebSocket stack compares them: the C SDK asks for
 * {@code MQTT}. Netty's handshaker compares exactly, so the request is given the hub's spelling, which the answer
 * then carries. Netty's handshaker serves one path: an upgrade on the Service Bus path, once it is known to ask for
 * AMQP, is handed to it under the IoT Hub's, which leads to the same AMQP.
 */
@Sharable
final class WebSocketUpgradeRules extends ChannelInboundHandlerAdapter {
    static final WebSocketUpgradeRules INSTANCE = new WebSocketUpgradeRules();
    private static final Logger log = LoggerFactory.getLogger(WebSocketUpgradeRules.class);
    private static final RateLimitedLog refusals = new RateLimitedLog(log);
    private static final String VERSION = "13";

    /** The hub's WebSocket paths, with the subprotocols each serves. */
    private enum Path {
        IOT_HUB(HttpsInitializer.MQTT_SUBPROTOCOL, HttpsInitializer.AMQP_SUBPROTOCOL),
        SERVICE_BUS(HttpsInitializer.AMQP_SUBPROTOCOL);

        private final List<String> subprotocols;

        Path(String... subprotocols) {
            this.subprotocols = List.of(subprotocols);
        }

        /** The path of {@code uri}, or null if it is none of the hub's WebSocket paths. */
        static Path of(String uri) {
            if (uri.startsWith(HttpsInitializer.WEBSOCKET_PATH)) {
                return IOT_HUB;
            }
            String path = new QueryStringDecoder(uri).rawPath();
            return path.equals(HttpsInitializer.SERVICE_BUS_WEBSOCKET_PATH)
                    || path.equals(HttpsInitializer.SERVICE_BUS_WEBSOCKET_PATH + "/") ? SERVICE_BUS : null;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        Path path = message instanceof FullHttpRequest request
                && request.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                ? Path.of(request.uri()) : null;
        if (path != null) {
            FullHttpRequest request = (FullHttpRequest) message;
            HttpHeaders headers = request.headers();
            if (!VERSION.equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
                FullHttpResponse refusal = refusal(HttpResponseStatus.UPGRADE_REQUIRED);
                refusal.headers().set(HttpHeaderNames.SEC_WEBSOCKET_VERSION, VERSION);
                refuse(ctx, request, refusal, "WebSocket version is not 13");
                return;
            }
            String chosen = firstServed(headers.get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL), path.subprotocols);
            if (chosen == null) {
                refuse(ctx, request, refusal(HttpResponseStatus.BAD_REQUEST), "no subprotocol the hub serves on that path ("
                        + String.join(", ", path.subprotocols) + ")");
                return;
            }
            headers.set(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL, chosen);
            if (path == Path.SERVICE_BUS) {
                request.setUri(HttpsInitializer.WEBSOCKET_PATH);
            }
        }
        ctx.fireChannelRead(message);
    }

    /** The first of {@code served} the client asks for, in the hub's spelling, or null if none. */
    private static String firstServed(String protocols, List<String> served) {
        if (protocols == null) {
            return null;
        }
        return Arrays.stream(protocols.split(",")).map(String::trim)
                .flatMap(asked -> served.stream().filter(asked::equalsIgnoreCase))
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
