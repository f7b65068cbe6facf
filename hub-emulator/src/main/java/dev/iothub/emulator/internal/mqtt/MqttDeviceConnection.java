package dev.iothub.emulator.internal.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.device.DeviceConnection;
import dev.iothub.emulator.internal.device.Ending;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.methods.MethodChannel;
import dev.iothub.emulator.internal.methods.MethodRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT connection as the device side of the hub reaches it: desired patches go out as PUBLISH at the granted
 * QoS, method requests at QoS 0, as the hub sends them.
 */
final class MqttDeviceConnection implements DeviceConnection, MethodChannel {
    private static final Logger log = LoggerFactory.getLogger(MqttDeviceConnection.class);

    private final Channel channel;
    private volatile MqttQoS desiredPatchesQos = MqttQoS.AT_MOST_ONCE;
    private int lastPacketId;

    MqttDeviceConnection(Channel channel) {
        this.channel = channel;
    }

    /** The QoS granted to the client's subscription to desired patches. */
    void desiredPatchesQos(MqttQoS qos) {
        this.desiredPatchesQos = qos;
    }

    /** Writes from this thread reach the event loop in the order they are made, which keeps the version order. */
    @Override
    public void desiredChanged(ObjectNode patch) {
        MqttQoS qos = desiredPatchesQos;
        channel.writeAndFlush(MqttMessageBuilders.publish()
                .topicName(TwinTopics.desiredPatch(patch.get("$version").asLong()))
                .qos(qos)
                .messageId(qos == MqttQoS.AT_MOST_ONCE ? 0 : nextPacketId())
                .retained(false)
                .payload(Unpooled.wrappedBuffer(Json.bytes(patch)))
                .build());
    }

    @Override
    public void request(MethodRequest request) {
        channel.writeAndFlush(MqttMessageBuilders.publish()
                .topicName(TwinTopics.methodRequest(request.methodName(), request.requestId()))
                .qos(MqttQoS.AT_MOST_ONCE)
                .retained(false)
                .payload(Unpooled.wrappedBuffer(request.payload()))
                .build());
    }

    @Override
    public void close(Ending why) {
        log.info("MQTT connection from {} closed: {}", channel.remoteAddress(), why);
        channel.close();
    }

    /** Packet ids for what the hub publishes at QoS 1: 1 to 65535, then round again. */
    private synchronized int nextPacketId() {
        lastPacketId = lastPacketId % 0xFFFF + 1;
        return lastPacketId;
    }
}
