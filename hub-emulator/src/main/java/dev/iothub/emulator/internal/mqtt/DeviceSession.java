package dev.iothub.emulator.internal.mqtt;

import dev.iothub.emulator.internal.model.IdentityId;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.AttributeKey;

/** What the hub knows of one MQTT connection once CONNECT has been accepted. */
final class DeviceSession {
    static final AttributeKey<DeviceSession> KEY = AttributeKey.valueOf(DeviceSession.class.getName());

    private final IdentityId identity;
    private volatile MqttQoS desiredPatchesQos;
    private int lastPacketId;

    DeviceSession(IdentityId identity) {
        this.identity = identity;
    }

    static DeviceSession of(Channel channel) {
        return channel.attr(KEY).get();
    }

    IdentityId identity() {
        return identity;
    }

    /** The QoS granted for desired patches, or null while the client is not subscribed to them. */
    MqttQoS desiredPatchesQos() {
        return desiredPatchesQos;
    }

    void desiredPatchesQos(MqttQoS qos) {
        this.desiredPatchesQos = qos;
    }

    /** Packet ids for what the hub publishes at QoS 1: 1 to 65535, then round again. */
    synchronized int nextPacketId() {
        lastPacketId = lastPacketId % 0xFFFF + 1;
        return lastPacketId;
    }
}
