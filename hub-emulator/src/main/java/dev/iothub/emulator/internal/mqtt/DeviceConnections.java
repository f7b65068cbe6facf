package dev.iothub.emulator.internal.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.ConnectionStates;
import dev.iothub.emulator.internal.twin.TwinService;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The device connections that are open, by identity, and the push of every desired change to those
 * of them that subscribed. The hub keeps nothing for a client that is not connected.
 */
public final class DeviceConnections implements TwinService.DesiredPropertiesListener {
    private final Map<IdentityId, Set<Channel>> channels = new ConcurrentHashMap<>();
    private final ConnectionStates states;

    public DeviceConnections(ConnectionStates states) {
        this.states = states;
    }

    void opened(Channel channel, IdentityId id) {
        channels.computeIfAbsent(id, key -> ConcurrentHashMap.newKeySet()).add(channel);
        states.connected(id);
    }

    void closed(Channel channel, IdentityId id) {
        channels.computeIfPresent(id, (key, set) -> {
            set.remove(channel);
            return set.isEmpty() ? null : set;
        });
        states.disconnected(id);
    }

    void active(IdentityId id) {
        states.active(id);
    }

    /** The hub drops the connections of a deleted identity, and of a deleted device's modules. */
    public void identityDeleted(IdentityId deleted) {
        channels.forEach((id, open) -> {
            if (IdentityId.isWithin(id, deleted)) {
                open.forEach(Channel::close);
            }
        });
    }

    @Override
    public void desiredChanged(IdentityId id, ObjectNode patch) {
        Set<Channel> targets = channels.get(id);
        if (targets == null) {
            return;
        }
        byte[] payload = Json.bytes(patch);
        String topic = TwinTopics.desiredPatch(patch.get("$version").asLong());
        for (Channel channel : targets) {
            DeviceSession session = DeviceSession.of(channel);
            MqttQoS qos = session == null ? null : session.desiredPatchesQos();
            if (qos != null) {
                channel.writeAndFlush(MqttMessageBuilders.publish()
                        .topicName(topic)
                        .qos(qos)
                        .messageId(qos == MqttQoS.AT_MOST_ONCE ? 0 : session.nextPacketId())
                        .retained(false)
                        .payload(Unpooled.wrappedBuffer(payload))
                        .build());
            }
        }
    }
}
