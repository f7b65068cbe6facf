package dev.iothub.emulator.internal.mqtt;

import static io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_ACCEPTED;
import static io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
import static io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED;
import static io.netty.handler.codec.mqtt.MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.device.DeviceRefusal;
import dev.iothub.emulator.internal.device.DeviceSession;
import dev.iothub.emulator.internal.device.SessionKeeping;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.logging.Failures;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.model.IdentityId;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's device API over one MQTT 3.1.1 connection, translated to the device side of the hub: CONNECT
 * (client id, user name and SAS token), the hub's subscriptions, twin GET and reported patches. Anything
 * the hub would not take (a packet before CONNECT, a topic it does not allow, a malformed packet) closes
 * the connection.
 */
public final class MqttHandler extends SimpleChannelInboundHandler<MqttMessage> {
    private static final Logger log = LoggerFactory.getLogger(MqttHandler.class);
    private static final RateLimitedLog refusals = new RateLimitedLog(log);
    static final String IDLE_HANDLER = "idle";
    /** The hub's cap on silence, bound by the Azure load balancer's idle timeout (the hub's MQTT support page). */
    private static final long MAX_SILENCE_MILLIS = 1_767_000;

    private final DeviceHub devices;
    private final DirectMethods methods;
    private final Duration connectTimeout;
    private ScheduledFuture<?> connectDeadline;
    private MqttDeviceConnection connection;
    private DeviceSession session;

    /** {@code connectTimeout}: how long after the connection (or the WebSocket upgrade) its CONNECT may come. */
    public MqttHandler(DeviceHub devices, DirectMethods methods, Duration connectTimeout) {
        this.devices = devices;
        this.methods = methods;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // MQTT 3.1.1 section 3.1: a server should close a connection whose CONNECT does not come in reasonable time
        connectDeadline = ctx.executor().schedule(
                () -> close(ctx, "no CONNECT within " + connectTimeout.toSeconds() + " s"),
                connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        if (message.decoderResult().isFailure()) {
            close(ctx, "malformed MQTT packet: " + message.decoderResult().cause().getMessage());
            return;
        }
        MqttMessageType type = message.fixedHeader().messageType();
        if (log.isDebugEnabled()) {
            log.debug("MQTT {} <- {} {}", session == null ? ctx.channel().remoteAddress() : session.identity(), type,
                    message instanceof MqttPublishMessage publish ? publish.variableHeader().topicName() : "");
        }
        if (session == null && type != MqttMessageType.CONNECT) {
            close(ctx, type + " before CONNECT");
            return;
        }
        switch (type) {
            case CONNECT -> connect(ctx, (MqttConnectMessage) message);
            case SUBSCRIBE -> subscribe(ctx, (MqttSubscribeMessage) message);
            case UNSUBSCRIBE -> unsubscribe(ctx, (MqttUnsubscribeMessage) message);
            case PUBLISH -> publish(ctx, (MqttPublishMessage) message);
            case PUBACK -> connection.acknowledged(((MqttMessageIdVariableHeader) message.variableHeader()).messageId());
            case PINGREQ -> ctx.writeAndFlush(MqttMessage.PINGRESP);
            case DISCONNECT -> ctx.close();
            default -> close(ctx, type + " is not part of IoT Hub's MQTT support");
        }
    }

    private void connect(ChannelHandlerContext ctx, MqttConnectMessage connect) {
        connectDeadline.cancel(false);
        if (session != null) {
            close(ctx, "a second CONNECT");
            return;
        }
        if (connect.variableHeader().version() != 4) {
            refuse(ctx, CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "MQTT protocol level is not 4 (3.1.1)");
            return;
        }
        IdentityId id = parseClientId(connect.payload().clientIdentifier());
        if (id == null) {
            refuse(ctx, CONNECTION_REFUSED_IDENTIFIER_REJECTED, "client id is not {deviceId} or {deviceId}/{moduleId}");
            return;
        }
        String username = connect.payload().userName();
        if (!isUserName(username, id)) {
            refuse(ctx, CONNECTION_REFUSED_NOT_AUTHORIZED, "username is not {HostName}/" + id + "/?api-version=…");
            return;
        }
        byte[] password = connect.payload().passwordInBytes();
        connection = new MqttDeviceConnection(ctx.channel(), id);
        try {
            session = devices.connect(id, password == null ? null : new String(password, StandardCharsets.UTF_8),
                    connection, connect.variableHeader().isCleanSession() ? SessionKeeping.CLEAN : SessionKeeping.PERSISTENT);
        } catch (DeviceRefusal refusal) {
            refuse(ctx, CONNECTION_REFUSED_NOT_AUTHORIZED, refusal.getMessage());
            return;
        }
        session.announceModel(UserName.modelId(username));
        // a resumed session's subscription goes on without a SUBSCRIBE, as the Node SDK expects
        session.desiredSubscription().ifPresent(qos -> connection.desiredPatchesQos(MqttQoS.valueOf(qos)));
        ctx.pipeline().addBefore(ctx.executor(), ctx.name(), IDLE_HANDLER, new IdleStateHandler(
                silenceAllowedMillis(connect.variableHeader().keepAliveTimeSeconds()), 0, 0, TimeUnit.MILLISECONDS));
        ctx.writeAndFlush(connAck(CONNECTION_ACCEPTED, session.resumed()));
        if (session.methodSubscription()) { // the Java SDK resumes its session without a SUBSCRIBE; after the CONNACK
            methods.subscribe(session, connection);
        }
        // a resumed session's cloud-to-device messages come without a SUBSCRIBE, as .NET's SDK expects
        session.cloudToDeviceSubscription().ifPresent(qos -> connection.receiveCloudToDevice(session,
                MqttQoS.valueOf(qos)));
        log.info("MQTT {} connected from {}", id, ctx.channel().remoteAddress());
    }

    /**
     * How long a connection may go without a packet: one and a half keep-alive periods (MQTT 3.1.1 section
     * 3.1.2.10), at most 1767 s, the hub's own limit, which also applies to a keep-alive of 0 (none).
     */
    static long silenceAllowedMillis(int keepAliveSeconds) {
        return keepAliveSeconds == 0 ? MAX_SILENCE_MILLIS : Math.min(MAX_SILENCE_MILLIS, keepAliveSeconds * 1500L);
    }

    /** {@code {HostName}/{deviceId}[/{moduleId}]/?api-version=…}, with one of the hub's host names. */
    private boolean isUserName(String username, IdentityId id) {
        int slash = username == null ? -1 : username.indexOf('/');
        if (slash < 0 || !devices.isHostName(username.substring(0, slash))) {
            return false;
        }
        String rest = username.substring(slash);
        String path = "/" + id;
        return rest.equals(path) || rest.equals(path + "/") || rest.startsWith(path + "/?");
    }

    private static IdentityId parseClientId(String clientId) {
        if (clientId == null) {
            return null;
        }
        String[] parts = clientId.split("/", -1);
        IdentityId id = switch (parts.length) {
            case 1 -> IdentityId.device(parts[0]);
            case 2 -> IdentityId.module(parts[0], parts[1]);
            default -> null;
        };
        return id != null && id.isValid() ? id : null;
    }

    private void subscribe(ChannelHandlerContext ctx, MqttSubscribeMessage subscribe) {
        // MQTT 3.1.1 section 3.8.3-3; Netty's decoder hands such a packet over with an empty list
        if (subscribe.payload().topicSubscriptions().isEmpty()) {
            close(ctx, "a SUBSCRIBE with no topic filter");
            return;
        }
        List<Integer> granted = new ArrayList<>();
        for (MqttTopicSubscription subscription : subscribe.payload().topicSubscriptions()) {
            String filter = subscription.topicFilter();
            if (!TwinTopics.maySubscribe(session.identity(), filter)) {
                close(ctx, "subscription to a topic the hub does not allow: " + filter);
                return;
            }
            MqttQoS qos = subscription.qualityOfService() == MqttQoS.AT_MOST_ONCE ? MqttQoS.AT_MOST_ONCE : MqttQoS.AT_LEAST_ONCE;
            if (filter.equals(TwinTopics.DESIRED_PATCHES)) {
                connection.desiredPatchesQos(qos);
                session.subscribeToDesired(qos.value());
            } else if (filter.equals(TwinTopics.METHODS)) {
                methods.subscribe(session, connection);
            }
            granted.add(qos.value());
        }
        ctx.writeAndFlush(MqttMessageBuilders.subAck()
                .packetId(subscribe.variableHeader().messageId())
                .addGrantedQoses(granted.stream().map(MqttQoS::valueOf).toArray(MqttQoS[]::new))
                .build());
        // after the SUBACK, so that the client knows the subscription its messages come on
        for (int i = 0; i < granted.size(); i++) {
            if (subscribe.payload().topicSubscriptions().get(i).topicFilter()
                    .equals(CloudToDeviceTopics.subscription(session.identity()))) {
                connection.receiveCloudToDevice(session, MqttQoS.valueOf(granted.get(i)));
            }
        }
    }

    private void unsubscribe(ChannelHandlerContext ctx, MqttUnsubscribeMessage unsubscribe) {
        // MQTT 3.1.1 section 3.10.3-2
        if (unsubscribe.payload().topics().isEmpty()) {
            close(ctx, "an UNSUBSCRIBE with no topic filter");
            return;
        }
        if (unsubscribe.payload().topics().contains(TwinTopics.DESIRED_PATCHES)) {
            session.unsubscribeFromDesired();
        }
        if (unsubscribe.payload().topics().contains(TwinTopics.METHODS)) {
            methods.unsubscribe(session);
        }
        if (unsubscribe.payload().topics().contains(CloudToDeviceTopics.subscription(session.identity()))) {
            connection.stopCloudToDevice(session);
        }
        ctx.writeAndFlush(MqttMessageBuilders.unsubAck().packetId(unsubscribe.variableHeader().messageId()).build());
    }

    private void publish(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        if (publish.fixedHeader().qosLevel() == MqttQoS.EXACTLY_ONCE) {
            close(ctx, "a QoS 2 PUBLISH, which IoT Hub does not support");
            return;
        }
        String topic = publish.variableHeader().topicName();
        IdentityId id = session.identity();
        boolean allowed = topic.startsWith(TwinTopics.TWIN_GET) || topic.startsWith(TwinTopics.TWIN_REPORTED)
                || topic.startsWith(TelemetryTopics.prefix(id)) || topic.startsWith(TwinTopics.METHOD_RESPONSES);
        if (!allowed) {
            close(ctx, "publish to a topic the hub does not allow: " + topic);
            return;
        }
        if (topic.startsWith(TelemetryTopics.prefix(id))) {
            telemetry(ctx, publish);
            return;
        }
        // The hub acknowledges receipt before it answers: the SDK's request bookkeeping expects that order.
        acknowledge(ctx, publish);
        if (topic.startsWith(TwinTopics.TWIN_GET)) {
            String rid = requestId(topic, TwinTopics.TWIN_GET);
            respond(ctx, TwinTopics.response(200, rid, null), session.twin());
        } else if (topic.startsWith(TwinTopics.TWIN_REPORTED)) {
            reportedPatch(ctx, id, topic, ByteBufUtil.getBytes(publish.content()));
        } else {
            methodResponse(topic, ByteBufUtil.getBytes(publish.content()));
        }
    }

    private static void acknowledge(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
            ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
        }
    }

    /** Acknowledged once enqueued on the built-in endpoint; a message the hub could not keep ends the connection. */
    private void telemetry(ChannelHandlerContext ctx, MqttPublishMessage publish) {
        String topic = publish.variableHeader().topicName();
        try {
            session.sendTelemetry(topic, List.of(TelemetryTopics.telemetry(session.identity(), topic,
                    ByteBufUtil.getBytes(publish.content()))));
        } catch (HubException e) {
            close(ctx, "a message the hub could not keep: " + e.getMessage());
            return;
        }
        acknowledge(ctx, publish);
    }

    private void reportedPatch(ChannelHandlerContext ctx, IdentityId id, String topic, byte[] body) {
        String rid = requestId(topic, TwinTopics.TWIN_REPORTED);
        try {
            long version = session.patchReported(body);
            respond(ctx, TwinTopics.response(204, rid, version), null);
        } catch (HubException e) {
            refusals.info("MQTT {} reported patch refused: {}", id, e.getMessage());
            respond(ctx, TwinTopics.response(e.errorCode().status(), rid, null), null);
        }
    }

    /** {@code $iothub/methods/res/{status}/?$rid={rid}}: a response without both numbers answers nothing, and is dropped. */
    private void methodResponse(String topic, byte[] body) {
        String rest = topic.substring(TwinTopics.METHOD_RESPONSES.length());
        int slash = rest.indexOf('/');
        try {
            int status = Integer.parseInt(slash < 0 ? rest : rest.substring(0, slash));
            long rid = Long.parseLong(requestId(topic, TwinTopics.METHOD_RESPONSES));
            methods.respond(session, rid, status, body);
        } catch (NumberFormatException e) {
            refusals.info("MQTT {} method response on {} dropped: its status or $rid is not a number",
                    session.identity(), topic);
        }
    }

    private static String requestId(String topic, String prefix) {
        return TwinTopics.properties(topic, prefix).getOrDefault("$rid", "");
    }

    private static void respond(ChannelHandlerContext ctx, String topic, ObjectNode body) {
        log.debug("MQTT -> PUBLISH {}", topic);
        ctx.writeAndFlush(MqttMessageBuilders.publish()
                .topicName(topic)
                .qos(MqttQoS.AT_MOST_ONCE)
                .retained(false)
                .payload(body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(Json.bytes(body)))
                .build());
    }

    private static MqttConnAckMessage connAck(MqttConnectReturnCode code, boolean sessionPresent) {
        return MqttMessageBuilders.connAck().returnCode(code).sessionPresent(sessionPresent).build();
    }

    private static void refuse(ChannelHandlerContext ctx, MqttConnectReturnCode code, String why) {
        refusals.info("MQTT connection from {} refused ({}): {}", ctx.channel().remoteAddress(), code, why);
        ctx.writeAndFlush(connAck(code, false)).addListener(ChannelFutureListener.CLOSE);
    }

    private static void close(ChannelHandlerContext ctx, String why) {
        log.info("MQTT connection from {} closed: {}", ctx.channel().remoteAddress(), why);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            close(ctx, "no packet within 1.5 keep-alive periods");
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        connectDeadline.cancel(false);
        if (session != null) {
            session.close();
            log.info("MQTT {} disconnected", session.identity());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Failures.isInternal(cause)) { // MQTT has no packet to say so: the hub closes the connection
            log.error("MQTT connection from {} closed: the emulator failed", ctx.channel().remoteAddress(), cause);
            ctx.close();
        } else {
            close(ctx, cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }
}
