package dev.iothub.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;

/** One module's MQTT connection: CONNECT as the device SDK does, SUBSCRIBE to desired patches, count what arrives. */
final class MqttModuleConnection extends SimpleChannelInboundHandler<MqttMessage> {
    private static final String DESIRED_PATCHES = "$iothub/twin/PATCH/properties/desired/#";

    private final String host;
    private final ModuleId module;
    private final String password;
    private final ModuleEvents events;

    MqttModuleConnection(String host, ModuleId module, String password, ModuleEvents events) {
        this.host = host;
        this.module = module;
        this.password = password;
        this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String clientId = module.deviceId() + "/" + module.moduleId();
        ctx.writeAndFlush(MqttMessageBuilders.connect()
                .protocolVersion(MqttVersion.MQTT_3_1_1)
                .clientId(clientId)
                .username(host + "/" + clientId + "/?api-version=2021-04-12")
                .password(password.getBytes(StandardCharsets.UTF_8))
                .cleanSession(false)
                .keepAlive(230)
                .build());
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, MqttMessage message) {
        MqttMessageType type = message.fixedHeader().messageType();
        if (type == MqttMessageType.CONNACK) {
            if (((MqttConnAckMessage) message).variableHeader().connectReturnCode()
                    != MqttConnectReturnCode.CONNECTION_ACCEPTED) {
                ctx.close();
                return;
            }
            ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, DESIRED_PATCHES).build());
        } else if (type == MqttMessageType.SUBACK) {
            events.settle(true);
        } else if (type == MqttMessageType.PUBLISH) {
            MqttPublishMessage publish = (MqttPublishMessage) message;
            if (publish.fixedHeader().qosLevel() == MqttQoS.AT_LEAST_ONCE) {
                ctx.writeAndFlush(MqttMessageBuilders.pubAck().packetId(publish.variableHeader().packetId()).build());
            }
            events.patchArrived();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        events.settle(false);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
