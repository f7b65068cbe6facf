package dev.iothub.emulator.internal.mqtt;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceMessage;
import dev.iothub.emulator.internal.cloudtodevice.Lease;
import dev.iothub.emulator.internal.cloudtodevice.Leases;
import dev.iothub.emulator.internal.device.DeviceConnection;
import dev.iothub.emulator.internal.device.DeviceSession;
import dev.iothub.emulator.internal.device.Ending;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.methods.MethodChannel;
import dev.iothub.emulator.internal.methods.MethodRequest;
import dev.iothub.emulator.internal.model.IdentityId;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT connection as the device side of the hub reaches it: desired patches go out as PUBLISH at the granted
 * QoS, method requests at QoS 0, as the hub sends them.
 */
final class MqttDeviceConnection implements DeviceConnection, MethodChannel {
    private static final Logger log = LoggerFactory.getLogger(MqttDeviceConnection.class);

    /** How many cloud-to-device messages the hub has out unacknowledged on one connection. */
    static final int MAX_IN_FLIGHT = 10;

    private final Channel channel;
    private final IdentityId identity;
    private volatile MqttQoS desiredPatchesQos = MqttQoS.AT_MOST_ONCE;
    private int lastPacketId;
    /** The receiver of the identity's cloud-to-device messages, once subscribed; on the event loop only. */
    private Leases<CloudToDeviceMessage> cloudToDevice;
    private MqttQoS cloudToDeviceQos;
    /** The lock token of each cloud-to-device message published and not yet acknowledged, by packet id. */
    private final Map<Integer, UUID> inFlight = new HashMap<>();

    MqttDeviceConnection(Channel channel, IdentityId identity) {
        this.channel = channel;
        this.identity = identity;
    }

    /**
     * The client subscribed to its cloud-to-device messages at {@code qos}, or resumed a session that had: they
     * come as the hub has them.
     */
    void receiveCloudToDevice(DeviceSession session, MqttQoS qos) {
        cloudToDeviceQos = qos;
        if (cloudToDevice == null) {
            cloudToDevice = session.receiveCloudToDevice(qos.value(),
                    () -> channel.eventLoop().execute(this::publishCloudToDevice));
        }
        publishCloudToDevice();
    }

    /** The client unsubscribed: what it has not acknowledged is delivered again, to its next subscription. */
    void stopCloudToDevice(DeviceSession session) {
        if (cloudToDevice != null) {
            session.stopReceivingCloudToDevice(cloudToDevice);
            cloudToDevice = null;
            inFlight.clear();
        }
    }

    /** A PUBACK: a cloud-to-device message it acknowledges is complete, and the next may go. */
    void acknowledged(int packetId) {
        UUID lockToken = inFlight.remove(packetId);
        if (lockToken != null) {
            cloudToDevice.complete(lockToken);
            publishCloudToDevice();
        }
    }

    /**
     * Publishes waiting messages while fewer than {@link #MAX_IN_FLIGHT} await their PUBACK; at QoS 0 a message is
     * complete once written, as nothing acknowledges it.
     */
    private void publishCloudToDevice() {
        if (cloudToDevice != null) {
            // a message whose lock ran out is delivered again, and its PUBACK no longer awaited
            inFlight.values().removeIf(lockToken -> !cloudToDevice.holds(lockToken));
        }
        while (cloudToDevice != null && channel.isActive() && inFlight.size() < MAX_IN_FLIGHT) {
            Lease<CloudToDeviceMessage> lease = cloudToDevice.next().orElse(null);
            if (lease == null) {
                return;
            }
            MqttQoS qos = cloudToDeviceQos;
            int packetId = qos == MqttQoS.AT_MOST_ONCE ? 0 : nextPacketId();
            channel.writeAndFlush(MqttMessageBuilders.publish()
                    .topicName(CloudToDeviceTopics.topic(identity, lease.item()))
                    .qos(qos)
                    .messageId(packetId)
                    .retained(false)
                    .payload(Unpooled.wrappedBuffer(lease.item().body()))
                    .build());
            if (qos == MqttQoS.AT_MOST_ONCE) {
                cloudToDevice.complete(lease.lockToken());
            } else {
                inFlight.put(packetId, lease.lockToken());
            }
        }
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
