package dev.iothub.emulator.internal.transport;

import dev.iothub.emulator.internal.http.OriginFormTarget;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.function.Supplier;

/**
 * Port 443: TLS, HTTP, and the REST APIs; a WebSocket upgrade on {@code /$iothub/websocket}
 * (subprotocol {@code mqtt}) turns the connection into MQTT.
 */
final class HttpsInitializer extends ChannelInitializer<SocketChannel> {
    static final String WEBSOCKET_PATH = "/$iothub/websocket";
    /** Twin documents are at most a few tens of KB; a request several times larger is refused with 413. */
    private static final int MAX_REQUEST_BYTES = 512 * 1024;

    private final SslContext sslContext;
    private final ChannelHandler restHandler;
    private final Supplier<ChannelHandler> mqttHandler;
    private final EventExecutorGroup handlerExecutor;

    HttpsInitializer(SslContext sslContext, ChannelHandler restHandler, Supplier<ChannelHandler> mqttHandler,
                     EventExecutorGroup handlerExecutor) {
        this.sslContext = sslContext;
        this.restHandler = restHandler;
        this.mqttHandler = mqttHandler;
        this.handlerExecutor = handlerExecutor;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        channel.pipeline()
                .addLast("tls", sslContext.newHandler(channel.alloc()))
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(WEBSOCKET_PATH)
                        .checkStartsWith(true)
                        .subprotocols("mqtt")
                        .maxFramePayloadLength(MAX_REQUEST_BYTES)
                        .build()))
                .addLast("upgrade", new MqttUpgrade())
                .addLast("origin-form", OriginFormTarget.INSTANCE)
                .addLast(handlerExecutor, "rest", restHandler);
    }

    /** Once the WebSocket handshake is done, the REST stage gives way to the MQTT stages. */
    private final class MqttUpgrade extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                var pipeline = ctx.pipeline();
                pipeline.remove("origin-form");
                pipeline.remove("rest");
                pipeline.remove(this);
                pipeline.addLast("websocket-frames", WebSocketFrames.INSTANCE);
                MqttPipeline.addTo(pipeline, handlerExecutor, mqttHandler);
            } else {
                super.userEventTriggered(ctx, event);
            }
        }
    }
}
