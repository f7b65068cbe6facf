package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawMqttClient;
import dev.iothub.emulator.testing.RawRest;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Cloud-to-device messages as the other SDK families send and receive them, read in their sources (the notes'
 * section 2): a service client without SASL (Node, .NET) on {@code amqps://{host}/messages/deviceBound} (C, Python),
 * ids percent-encoded in {@code to} (Node, .NET), {@code iothub-ack} spelled {@code positive}; the hub's rejections
 * with their conditions; the MQTT property bag a device reads; a message delivered again after a connection that
 * never acknowledged it; and the feedback message's parts the strict readers (.NET, C) need.
 */
class CloudToDeviceWireTest {
    private static final String FEEDBACK = "/messages/serviceBound/feedback";
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.65");

    @Test
    void aMessageAsTheOtherFamiliesSendItReachesAnMqttDeviceUntilItAcknowledgesIt() throws Exception {
        HubEmulator hub = emulator.hub();
        String deviceId = "dev$1:x";
        String key = hub.deviceConnectionString(deviceId).replaceAll(".*SharedAccessKey=", "");
        try (RawAmqpClient service = serviceClient()) {
            Session session = service.session();
            Sender messages = service.sender(session, "amqps://" + hub.hostName() + "/messages/deviceBound",
                    SenderSettleMode.UNSETTLED);
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("iothub-ack", "positive");
            properties.put("k ey", "v/a&l=ue+");
            assertInstanceOf(Accepted.class, disposition(service, messages, message("m1",
                    "/devices/dev%241%3Ax/messages/deviceBound", properties)));
            Receiver feedback = service.receiver(session, "/messages/serviceBound/feedback", SenderSettleMode.UNSETTLED);

            String bagStart = "devices/dev$1:x/messages/devicebound/%24.mid=m1&%24.to=%2Fdevices%2Fdev%25241%253Ax"
                    + "%2Fmessages%2FdeviceBound&%24.exp=";
            try (RawMqttClient device = subscribed(hub, deviceId, key)) {
                MqttPublishMessage first = (MqttPublishMessage) device.receive();
                assertTrue(first.variableHeader().topicName().startsWith(bagStart), first.variableHeader().topicName());
                assertTrue(first.variableHeader().topicName().endsWith(
                        "&%24.ct=application%2Fjson&%24.ce=utf-8&iothub-ack=positive&k%20ey=v%2Fa%26l%3Due%2B"),
                        first.variableHeader().topicName());
                assertEquals(MqttQoS.AT_LEAST_ONCE, first.fixedHeader().qosLevel());
                assertEquals("{\"on\":true}", new String(ByteBufUtil.getBytes(first.content()), StandardCharsets.UTF_8));
                // gone without a PUBACK: the message is enqueued again
            }
            try (RawMqttClient device = subscribed(hub, deviceId, key)) {
                MqttPublishMessage again = (MqttPublishMessage) device.receive();
                assertTrue(again.variableHeader().topicName().startsWith(bagStart));
                device.send(MqttMessageBuilders.pubAck().packetId(again.variableHeader().packetId()).build());

                RawAmqpClient.Received batch = service.receive(feedback);
                assertEquals("application/vnd.microsoft.iothub.feedback.json", batch.message().getContentType());
                assertEquals(hub.hostName(), new String(batch.message().getUserId(), StandardCharsets.UTF_8));
                assertInstanceOf(Date.class, batch.message().getMessageAnnotations().getValue()
                        .get(Symbol.valueOf("iothub-enqueuedtime")));
                String json = new String(((Data) batch.message().getBody()).getValue().getArray(),
                        StandardCharsets.UTF_8);
                assertTrue(json.matches("\\[\\{\"originalMessageId\":\"m1\",\"enqueuedTimeUtc\":\"\\d{4}-\\d\\d-\\d\\dT"
                        + "\\d\\d:\\d\\d:\\d\\d\\.\\d{7}Z\",\"statusCode\":\"Success\",\"description\":\"Success\","
                        + "\"deviceId\":\"dev\\$1:x\",\"deviceGenerationId\":\"[^\"]+\"}]"), json);
            }
            assertEquals(List.of("dev$1:x: cloud-to-device send", "dev$1:x: cloud-to-device deliver",
                    "dev$1:x: cloud-to-device deliver", "dev$1:x: cloud-to-device complete"),
                    hub.receivedOperations().stream().filter(operation -> operation.startsWith("dev$1:x: cloud")).toList(),
                    "the test API records each step");
        }
    }

    @Test
    void theHubRejectsWhatItCannotEnqueueSayingWhy() throws Exception {
        emulator.hub().deviceConnectionString("known");
        try (RawAmqpClient service = serviceClient()) {
            Sender messages = service.sender(service.session(), "/messages/devicebound", SenderSettleMode.UNSETTLED);

            assertRejected(service, messages, message("a", "/devices/nobody/messages/devicebound", Map.of()),
                    "amqp:not-found", "Device nobody is not registered.");
            assertRejected(service, messages, message("b", "/devices/known/twin", Map.of()), "amqp:not-allowed", null);
            assertRejected(service, messages, message("c", "/devices/known/messages/devicebound",
                    Map.of("iothub-ack", "sometimes")), "amqp:not-allowed", null);
            Message tooLarge = message("d", "/devices/known/messages/devicebound", Map.of());
            tooLarge.setBody(new Data(new Binary(new byte[64 * 1024])));
            assertRejected(service, messages, tooLarge, "amqp:link:message-size-exceeded", null);
            assertInstanceOf(Accepted.class, disposition(service, messages,
                    message("e", "/devices/known/messages/devicebound", Map.of())), "the link goes on");
        }
    }

    /**
     * Feedback over HTTPS, as Python's service SDK reads it (it has no AMQP receiver): the next batch with its lock
     * token as the ETag, given back by an abandon, gone once completed. A purge dead-letters as Purged.
     */
    @Test
    void feedbackOverHttpsIsLockedAbandonedAndCompleted() throws Exception {
        HubEmulator hub = emulator.hub();
        hub.deviceConnectionString("purged");
        try (RawAmqpClient service = serviceClient()) {
            Sender messages = service.sender(service.session(), "/messages/devicebound", SenderSettleMode.UNSETTLED);
            assertInstanceOf(Accepted.class, disposition(service, messages, message("p1",
                    "/devices/purged/messages/devicebound", Map.of("iothub-ack", "negative"))));
        }
        RawRest rest = new RawRest(hub);
        assertEquals(200, rest.send("DELETE", "/devices/purged/commands" + RawRest.API, null, rest.ownerToken())
                .statusCode());

        HttpResponse<String> batch = rest.send("GET", FEEDBACK + RawRest.API, null, rest.ownerToken());
        assertEquals(200, batch.statusCode());
        assertTrue(batch.body().contains("\"originalMessageId\":\"p1\",") && batch.body().contains("\"Purged\""),
                batch.body());
        String lockToken = batch.headers().firstValue("ETag").orElseThrow().replace("\"", "");
        assertEquals(204, rest.send("POST", FEEDBACK + "/" + lockToken + "/abandon" + RawRest.API, null,
                rest.ownerToken()).statusCode());

        HttpResponse<String> again = rest.send("GET", FEEDBACK + RawRest.API, null, rest.ownerToken());
        assertEquals(batch.body(), again.body(), "given back by the abandon");
        String secondLock = again.headers().firstValue("ETag").orElseThrow().replace("\"", "");
        assertEquals(204, rest.send("DELETE", FEEDBACK + "/" + secondLock + RawRest.API, null, rest.ownerToken())
                .statusCode());
        assertEquals(204, rest.send("GET", FEEDBACK + RawRest.API, null, rest.ownerToken()).statusCode());
        assertEquals(400, rest.send("DELETE", FEEDBACK + "/not-a-guid" + RawRest.API, null, rest.ownerToken())
                .statusCode());
    }

    private static void assertRejected(RawAmqpClient client, Sender sender, Message message, String condition,
                                       String description) {
        Rejected rejected = assertInstanceOf(Rejected.class, disposition(client, sender, message));
        assertEquals(condition, rejected.getError().getCondition().toString());
        if (description != null) {
            assertEquals(description, rejected.getError().getDescription());
        }
    }

    private static Object disposition(RawAmqpClient client, Sender sender, Message message) {
        Delivery delivery = client.send(sender, message);
        client.await("the hub's disposition", () -> delivery.getRemoteState() != null);
        return delivery.getRemoteState();
    }

    /** A message as Node's Client.send writes one: Data body, JSON content type, UTF-8 encoding. */
    private static Message message(String messageId, String to, Map<String, Object> applicationProperties) {
        Message message = Proton.message();
        Properties properties = new Properties();
        properties.setMessageId(messageId);
        properties.setTo(to);
        properties.setContentType(Symbol.valueOf("application/json"));
        properties.setContentEncoding(Symbol.valueOf("utf-8"));
        properties.setAbsoluteExpiryTime(Date.from(Instant.now().plusSeconds(600)));
        message.setProperties(properties);
        message.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(applicationProperties)));
        message.setBody(new Data(new Binary("{\"on\":true}".getBytes(StandardCharsets.UTF_8))));
        return message;
    }

    /** A service client as Node's and .NET's open one: no SASL, a put-token of the service policy's token. */
    private static RawAmqpClient serviceClient() throws Exception {
        HubEmulator hub = emulator.hub();
        RawAmqpClient client = new RawAmqpClient(hub.clientSslContext(), hub.hostName(), false);
        client.open(hub.hostName());
        String policyKey = ExternalHub.valueOf(hub.connectionString("service"), "SharedAccessKey");
        String token = SharedAccessSignature.sign(hub.hostName(), policyKey, "service", Instant.now().plusSeconds(600));
        assertStatus(200, PutToken.exchange(client, client.session(), PutToken.request("put-token-1", "put-token",
                "amqps://" + hub.hostName() + ":5671/", token)));
        return client;
    }

    private static RawMqttClient subscribed(HubEmulator hub, String deviceId, String key) throws Exception {
        RawMqttClient device = RawMqttClient.connect(hub, deviceId, null, key, 60, true);
        device.send(MqttMessageBuilders.subscribe().messageId(1)
                .addSubscription(MqttQoS.AT_LEAST_ONCE, "devices/" + deviceId + "/messages/devicebound/#").build());
        MqttMessage subAck = device.receive();
        assertEquals("SUBACK", subAck.fixedHeader().messageType().name());
        return device;
    }
}
