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
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscribePayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.codec.mqtt.MqttUnsubscribePayload;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /** The hub caps the silence it allows at 1767 s, keep-alive 0 (none) included. */
    @Test
    void silenceIsCappedAt1767Seconds() {
        assertEquals(345_000, MqttHandler.silenceAllowedMillis(230));
        assertEquals(1_765_500, MqttHandler.silenceAllowedMillis(1177));
        assertEquals(1_767_000, MqttHandler.silenceAllowedMillis(1178));
        assertEquals(1_767_000, MqttHandler.silenceAllowedMillis(0));
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

    /** MQTT 3.1.1 §3.8.3-3 and §3.10.3-2: a SUBSCRIBE or UNSUBSCRIBE with no topic filter is a protocol violation. */
    @Test
    void aSubscribeOrUnsubscribeWithNoTopicFilterClosesTheConnection() throws Exception {
        // built by hand: Netty's builders refuse to make these packets, its encoder does not
        MqttMessage subscribe = new MqttSubscribeMessage(fixedHeader(MqttMessageType.SUBSCRIBE),
                MqttMessageIdVariableHeader.from(1), new MqttSubscribePayload(List.of()));
        MqttMessage unsubscribe = new MqttUnsubscribeMessage(fixedHeader(MqttMessageType.UNSUBSCRIBE),
                MqttMessageIdVariableHeader.from(2), new MqttUnsubscribePayload(List.of()));
        for (MqttMessage empty : List.of(subscribe, unsubscribe)) {
            try (RawMqttClient client = connected(60)) {
                client.send(empty);
                assertNull(client.receive(),
                        "no answer to the " + empty.fixedHeader().messageType() + ", the connection closed");
            }
        }
    }

    private static MqttFixedHeader fixedHeader(MqttMessageType type) {
        return new MqttFixedHeader(type, false, MqttQoS.AT_LEAST_ONCE, false, 0);
    }

    @Test
    void aPublishToATopicTheHubDoesNotAllowClosesTheConnection() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessageBuilders.publish().topicName("devices/someone-else/messages/events/")
                    .qos(MqttQoS.AT_MOST_ONCE).payload(Unpooled.EMPTY_BUFFER).build());
            assertNull(client.receive());
        }
    }

    /** The hub's MQTT support page: "If a device app publishes a message with QoS 2, IoT Hub closes the network connection." */
    @Test
    void aQos2PublishClosesTheConnection() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessageBuilders.publish().topicName("devices/" + deviceId + "/modules/m/messages/events/")
                    .qos(MqttQoS.EXACTLY_ONCE).messageId(3).payload(Unpooled.EMPTY_BUFFER).build());
            assertNull(client.receive(), "no PUBREC, the connection closed");
        }
    }

    /** The same page: a subscription asking for QoS 2 is granted QoS 1. */
    @Test
    void aQos2SubscriptionIsGrantedQos1() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessageBuilders.subscribe().messageId(4)
                    .addSubscription(MqttQoS.EXACTLY_ONCE, "$iothub/twin/res/#").build());
            assertEquals(List.of(1), ((MqttSubAckMessage) client.receive()).payload().grantedQoSLevels());
        }
    }

    /** A request id is the client's to choose and is echoed as sent, escapes or not; the patch is applied. */
    @Test
    void aRequestIdIsEchoedAsSent() throws Exception {
        try (RawMqttClient client = connected(60)) {
            client.send(MqttMessageBuilders.subscribe().messageId(5)
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "$iothub/twin/res/#").build());
            client.receive();
            client.send(MqttMessageBuilders.publish().topicName("$iothub/twin/PATCH/properties/reported/?$rid=%zz")
                    .qos(MqttQoS.AT_MOST_ONCE).payload(Unpooled.copiedBuffer("{\"a\":1}", StandardCharsets.UTF_8)).build());

            MqttPublishMessage answer = (MqttPublishMessage) client.receive();
            assertNotNull(answer, "answered, not closed");
            assertEquals("$iothub/twin/res/204/?$rid=%zz&$version=2", answer.variableHeader().topicName());
            answer.release();
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
