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

/**
 * Port 443: TLS, HTTP, and the REST APIs; a WebSocket upgrade on {@code /$iothub/websocket} turns the
 * connection into MQTT (subprotocol {@code mqtt}) or AMQP ({@code AMQPWSB10}), one on the Event Hubs clients'
 * {@code /$servicebus/websocket} into AMQP (see {@link WebSocketUpgradeRules}).
 */
final class HttpsInitializer extends ChannelInitializer<SocketChannel> {
    static final String WEBSOCKET_PATH = "/$iothub/websocket";
    /** Where the Event Hubs clients ask for AMQP over a WebSocket; .NET's and uamqp's add a trailing slash. */
    static final String SERVICE_BUS_WEBSOCKET_PATH = "/$servicebus/websocket";
    static final String MQTT_SUBPROTOCOL = "mqtt";
    static final String AMQP_SUBPROTOCOL = "AMQPWSB10";
    /**
     * Twin documents are at most a few tens of KB; a request several times larger is refused with 413. It also
     * bounds a WebSocket frame: the device SDK's AMQP sends up to 256 KiB in one.
     */
    private static final int MAX_REQUEST_BYTES = 512 * 1024;

    private final Tls tls;
    private final ChannelHandler restHandler;
    private final ProtocolStages mqtt;
    private final ProtocolStages amqp;
    private final HandlerThreads handlerThreads;

    private final Limits limits;

    HttpsInitializer(Tls tls, ChannelHandler restHandler, ProtocolStages mqtt, ProtocolStages amqp,
                     HandlerThreads handlerThreads, Limits limits) {
        this.tls = tls;
        this.limits = limits;
        this.restHandler = restHandler;
        this.mqtt = mqtt;
        this.amqp = amqp;
        this.handlerThreads = handlerThreads;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        HttpDeadlines deadlines = new HttpDeadlines(limits);
        handlerThreads.addLast(channel.pipeline()
                .addLast("tls", tls.newHandler(channel))
                .addLast("request-start", deadlines.bytes)
                .addLast("http", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
                .addLast("request-end", deadlines.requests)
                // the SDK's AMQP upgrade sends its target in absolute form, https://host/$iothub/websocket
                .addLast("origin-form", OriginFormTarget.INSTANCE)
                .addLast("upgrade-rules", WebSocketUpgradeRules.INSTANCE)
                .addLast("websocket", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                        .websocketPath(WEBSOCKET_PATH)
                        .checkStartsWith(true)
                        .subprotocols(MQTT_SUBPROTOCOL + "," + AMQP_SUBPROTOCOL)
                        .maxFramePayloadLength(MAX_REQUEST_BYTES)
                        .build()))
                .addLast("upgrade", new DeviceProtocolUpgrade()), "rest", restHandler);
    }

    /** Once the WebSocket handshake is done, the REST stages give way to the device protocol's. */
    private final class DeviceProtocolUpgrade extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete handshake) {
                var pipeline = ctx.pipeline();
                handlerThreads.remove(pipeline, "rest");
                pipeline.remove("origin-form");
                pipeline.remove("upgrade-rules");
                pipeline.remove("request-start");
                pipeline.remove("request-end");
                pipeline.remove(this);
                pipeline.addLast("websocket-frames", WebSocketFrames.INSTANCE);
                ProtocolStages protocol = AMQP_SUBPROTOCOL.equals(handshake.selectedSubprotocol()) ? amqp : mqtt;
                protocol.addTo(pipeline, handlerThreads);
            } else {
                super.userEventTriggered(ctx, event);
            }
        }
    }
}
