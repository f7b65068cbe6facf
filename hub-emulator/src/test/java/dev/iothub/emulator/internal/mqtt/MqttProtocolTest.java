package dev.iothub.emulator.internal.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MQTT rules of the hub that the SDK never breaks: keep-alive, allowed topics, QoS of pushes. */
class MqttProtocolTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.11");

    private String deviceId;
    private String moduleKey;

    @BeforeEach
    void createModule(TestInfo test) throws Exception {
        deviceId = "raw-" + test.getTestMethod().orElseThrow().getName();
        RegistryClient registry = new RegistryClient(emulator.hub().serviceConnectionString());
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        moduleKey = registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS)).getPrimaryKey();
    }

    @Test
    void silenceLongerThanOneAndAHalfKeepAlivesClosesTheConnection() throws Exception {
        try (RawMqttClient client = connected(1)) {
            long start = System.nanoTime();

            assertNull(client.receive(), "the hub closed the connection");
            assertTrue((System.nanoTime() - start) / 1_000_000 >= 1400, "not before 1.5 keep-alive periods");
        }
    }

    @Test
    void pingsKeepTheConnectionAlive() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessage.PINGREQ);
            assertEquals(MqttMessageType.PINGRESP, client.receive().fixedHeader().messageType());
        }
    }

    @Test
    void aSubscriptionTheHubDoesNotAllowClosesTheConnection() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "devices/other/#").build());
            assertNull(client.receive());
        }
    }

    @Test
    void aPublishToATopicTheHubDoesNotAllowClosesTheConnection() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessageBuilders.publish().topicName("devices/someone-else/messages/events/")
                    .qos(MqttQoS.AT_MOST_ONCE).payload(io.netty.buffer.Unpooled.EMPTY_BUFFER).build());
            assertNull(client.receive());
        }
    }

    @Test
    void deletingTheDeviceDropsItsModulesConnections() throws Exception {
        try (RawMqttClient client = connected(60)) {
            new RegistryClient(emulator.hub().serviceConnectionString()).removeDevice(deviceId);

            assertNull(client.receive(), "the hub closed the connection");
        }
    }

    @Test
    void desiredPatchesArePushedAtTheGrantedQos() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessageBuilders.subscribe().messageId(7)
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "$iothub/twin/PATCH/properties/desired/#").build());
            MqttSubAckMessage subAck = (MqttSubAckMessage) client.receive();
            assertEquals(7, subAck.variableHeader().messageId());
            assertEquals(0, subAck.payload().grantedQoSLevels().get(0));

            TwinClient twins = new TwinClient(emulator.hub().serviceConnectionString());
            Twin twin = new Twin(deviceId, "m");
            twin.getDesiredProperties().put("telemetryInterval", 122);
            twins.patch(twin);

            MqttPublishMessage push = (MqttPublishMessage) client.receive();
            assertNotNull(push);
            assertEquals(MqttQoS.AT_MOST_ONCE, push.fixedHeader().qosLevel());
            assertEquals("$iothub/twin/PATCH/properties/desired/?$version=2", push.variableHeader().topicName());
            assertEquals("{\"telemetryInterval\":122,\"$version\":2}", push.payload().toString(StandardCharsets.UTF_8));
            push.release();
        }
    }

    private RawMqttClient connected(int keepAliveSeconds) throws Exception {
        RawMqttClient client = RawMqttClient.connect(emulator.hub(), deviceId, "m", moduleKey, keepAliveSeconds, false);
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, client.connAck().variableHeader().connectReturnCode());
        return client;
    }
}
