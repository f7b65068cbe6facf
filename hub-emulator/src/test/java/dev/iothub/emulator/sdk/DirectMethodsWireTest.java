package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawMqttClient;
import dev.iothub.emulator.testing.RawRest;
import dev.iothub.emulator.testing.RawSocket;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Direct methods on the wire, as the SDK families the Java tests cannot run send and read them: the service's
 * REST call as Node and C write it (every payload form, the key absent as the C SDK leaves it for NULL), the
 * device's MQTT topics as the C and Node SDKs subscribe, read and answer them (QoS 0, and QoS 1 as Java
 * answers), and the C SDK's AMQP methods links at {@code amqps://{host}/devices/...} addresses, whose requests
 * it reads only with a uuid correlation-id. The REST errors in the hub's words: the JSON-in-Message body the
 * Java SDK takes its error code from, and the {@code iothub-errorcode} header the .NET SDK reads.
 */
class DirectMethodsWireTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.61");
    private static final String DEVICE = "wire-device";
    private static final String MODULE = "wire-module";
    private static String deviceKey;
    private static String moduleKey;

    @BeforeAll
    static void createIdentities() {
        deviceKey = ExternalHub.valueOf(emulator.hub().deviceConnectionString(DEVICE), "SharedAccessKey");
        moduleKey = ExternalHub.valueOf(emulator.hub().moduleConnectionString(DEVICE, MODULE), "SharedAccessKey");
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"foo\"", "\"\"", "{\"k1\":\"v1\"}", "[1,2]", "10"})
    void anMqttDeviceGetsThePayloadAsItsJsonAndAnswersWithAJavaQos1Publish(String payload) throws Exception {
        try (RawMqttClient device = subscribedOverMqtt(MqttQoS.AT_LEAST_ONCE)) {
            CompletableFuture<HttpResponse<String>> call = invoke("/twins/" + DEVICE + "/methods",
                    "{\"methodName\":\"reboot\",\"payload\":" + payload + ",\"responseTimeoutInSeconds\":30,"
                            + "\"connectTimeoutInSeconds\":0}");

            MqttPublishMessage request = (MqttPublishMessage) device.receive();
            String topic = request.variableHeader().topicName();
            assertTrue(topic.matches("\\$iothub/methods/POST/reboot/\\?\\$rid=\\d+"), topic);
            assertEquals(MqttQoS.AT_MOST_ONCE, request.fixedHeader().qosLevel(), "the hub sends requests at QoS 0");
            assertEquals(payload, body(request), "\"payload\":null reaches the device as the text null");
            device.send(publish(responseTopic(request, 201), MqttQoS.AT_LEAST_ONCE, 7, "{\"done\":" + payload + "}"));
            assertInstanceOf(MqttPubAckMessage.class, device.receive(), "Java waits for the PUBACK of its answer");

            HttpResponse<String> answer = call.get(10, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertTrue(answer.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
            assertEquals(Json.MAPPER.readTree("{\"status\":201,\"payload\":{\"done\":" + payload + "}}"),
                    Json.MAPPER.readTree(answer.body()));
        }
    }

    /** The C SDK leaves the key out for a NULL payload: the device gets an empty body; an empty answer is null. */
    @Test
    void noPayloadKeyIsAnEmptyBodyAndAnAnswerThatIsNotJsonComesBackAsAString() throws Exception {
        try (RawMqttClient device = subscribedOverMqtt(MqttQoS.AT_MOST_ONCE)) {
            CompletableFuture<HttpResponse<String>> call = invoke("/twins/" + DEVICE + "/methods",
                    "{\"methodName\":\"ping\",\"responseTimeoutInSeconds\":30,\"connectTimeoutInSeconds\":60}");
            MqttPublishMessage request = (MqttPublishMessage) device.receive();
            assertEquals("", body(request));
            device.send(publish(responseTopic(request, 200), MqttQoS.AT_MOST_ONCE, 0, ""));
            assertEquals(Json.MAPPER.readTree("{\"status\":200,\"payload\":null}"),
                    Json.MAPPER.readTree(call.get(10, TimeUnit.SECONDS).body()), "both keys, as the C SDK requires");

            assertEquals(Json.MAPPER.readTree("{\"status\":200,\"payload\":\"not json\"}"),
                    Json.MAPPER.readTree(answeredOverMqtt(device, "{\"methodName\":\"ping\",\"payload\":{}}",
                            "not json").body()));
        }
    }

    @Test
    void anAnswerToNoCallIsDroppedAndTheConnectionGoesOn() throws Exception {
        try (RawMqttClient device = subscribedOverMqtt(MqttQoS.AT_MOST_ONCE)) {
            device.send(publish("$iothub/methods/res/200/?$rid=999999", MqttQoS.AT_LEAST_ONCE, 3, "{}"));
            assertInstanceOf(MqttPubAckMessage.class, device.receive());
            device.send(publish("$iothub/methods/res/abc/?$rid=x", MqttQoS.AT_LEAST_ONCE, 4, "{}"));
            assertInstanceOf(MqttPubAckMessage.class, device.receive());

            assertEquals(Json.MAPPER.readTree("{\"status\":200,\"payload\":2}"),
                    Json.MAPPER.readTree(answeredOverMqtt(device, "{\"methodName\":\"after\",\"payload\":1}", "2")
                            .body()));
        }
    }

    /** The C SDK's methods links: {@code amqps://} URIs, a uuid correlation-id on the request, the status an int. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aModuleAnswersOverTheCSdksAmqpMethodsLinks(boolean webSocket) throws Exception {
        String host = emulator.hub().hostName();
        RawSocket socket = webSocket ? RawSocket.webSocket(emulator.hub().clientSslContext(), host, "AMQPWSB10")
                : RawSocket.tls(emulator.hub().clientSslContext(), host, RawAmqpClient.PORT);
        try (RawAmqpClient client = new RawAmqpClient(socket, "MSSBCBS")) {
            client.open(host);
            Session session = client.session();
            String resource = host + "/devices/" + DEVICE + "/modules/" + MODULE;
            assertStatus(200, PutToken.exchange(client, session, PutToken.request(UnsignedLong.valueOf(0),
                    "put-token", resource, SharedAccessSignature.sign(resource, moduleKey, null,
                            Instant.now().plusSeconds(600)))));
            String address = "amqps://" + resource + "/methods/devicebound";
            Receiver requests = client.attached(cSdkLink(session.receiver("methods_requests_link-" + DEVICE + "/"
                    + MODULE), address, "requests"), 100);
            Sender responses = client.attached(cSdkLink(session.sender("methods_responses_link-" + DEVICE + "/"
                    + MODULE), "responses", address));

            CompletableFuture<HttpResponse<String>> call = invoke("/twins/" + DEVICE + "/modules/" + MODULE
                    + "/methods", "{\"methodName\":\"reset\",\"payload\":{\"hard\":true}}");
            RawAmqpClient.Received request = client.receive(requests);
            UUID correlationId = assertInstanceOf(UUID.class, request.message().getCorrelationId(),
                    "the C SDK reads the correlation-id only as a uuid");
            assertEquals("reset", request.message().getApplicationProperties().getValue().get("IoThub-methodname"));
            assertEquals(1, request.sections().stream().filter(Data.class::isInstance).count(), "one Data section");
            Binary body = ((Data) request.message().getBody()).getValue();
            assertEquals("{\"hard\":true}", new String(body.getArray(), body.getArrayOffset(), body.getLength(),
                    StandardCharsets.UTF_8));

            Message response = Message.Factory.create();
            Properties properties = new Properties();
            properties.setCorrelationId(correlationId);
            response.setProperties(properties);
            response.setApplicationProperties(new ApplicationProperties(Map.of("IoThub-status", 202)));
            response.setBody(new Data(new Binary("{\"resetting\":true}".getBytes(StandardCharsets.UTF_8))));
            Delivery delivery = client.send(responses, response);
            client.await("the disposition of the response", () -> delivery.getRemoteState() != null);
            assertInstanceOf(Accepted.class, delivery.getRemoteState());

            assertEquals(Json.MAPPER.readTree("{\"status\":202,\"payload\":{\"resetting\":true}}"),
                    Json.MAPPER.readTree(call.get(10, TimeUnit.SECONDS).body()));
        }
    }

    /** The Java SDK resumes its persistent session without subscribing again; a clean session starts with none. */
    @Test
    void aPersistentSessionKeepsItsMethodSubscription() throws Exception {
        subscribedOverMqtt(MqttQoS.AT_LEAST_ONCE).close();
        try (RawMqttClient device = RawMqttClient.connect(emulator.hub(), DEVICE, null, deviceKey, 60, false)) {
            assertTrue(device.connAck().variableHeader().isSessionPresent());
            assertEquals(200, answeredOverMqtt(device, "{\"methodName\":\"resumed\",\"connectTimeoutInSeconds\":30}",
                    "{}").statusCode());
        }
        RawMqttClient.connect(emulator.hub(), DEVICE, null, deviceKey, 60, true).close();
        try (RawMqttClient device = RawMqttClient.connect(emulator.hub(), DEVICE, null, deviceKey, 60, false)) {
            assertError(invoke("/twins/" + DEVICE + "/methods", "{\"methodName\":\"m\"}").get(10, TimeUnit.SECONDS),
                    404, "DeviceNotOnline", 404103);
        }
    }

    /** HTTP/1.1 answers pipelined requests in order: a twin read sent behind a method call waits for the call's answer. */
    @Test
    void aRequestPipelinedBehindACallIsAnsweredAfterIt() throws Exception {
        String host = emulator.hub().hostName();
        String token = new RawRest(emulator.hub()).ownerToken();
        String call = "{\"methodName\":\"first\"}";
        String requests = "POST /twins/" + DEVICE + "/methods" + RawRest.API + " HTTP/1.1\r\nHost: " + host
                + "\r\nAuthorization: " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                + call.length() + "\r\n\r\n" + call
                + "GET /twins/" + DEVICE + RawRest.API + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + token
                + "\r\n\r\n";
        try (RawMqttClient device = subscribedOverMqtt(MqttQoS.AT_MOST_ONCE);
             RawSocket http = RawSocket.tls(emulator.hub().clientSslContext(), host, 443)) {
            http.out().write(requests.getBytes(StandardCharsets.UTF_8));
            http.out().flush();
            MqttPublishMessage request = (MqttPublishMessage) device.receive();
            Conditions.await("the twin read behind the call", () -> emulator.hub().receivedOperations()
                    .contains("GET /twins/" + DEVICE));
            device.send(publish(responseTopic(request, 200), MqttQoS.AT_MOST_ONCE, 0, "\"answered\""));

            StringBuilder answers = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (!answers.toString().contains("\"deviceId\"") || !answers.toString().contains("answered")) {
                int read = http.in().read(buffer);
                assertTrue(read > 0, () -> "the connection ended after " + answers);
                answers.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            }
            assertTrue(answers.indexOf("answered") < answers.indexOf("\"deviceId\""), answers::toString);
        }
    }

    /**
     * A methods link as {@code iothubtransportamqp_methods.c} sets it up: its source and target addresses, api-version
     * 2020-09-30 and the identity, without the {@code methods:} prefix, as its channel correlation id.
     */
    private static <T extends Link> T cSdkLink(T link, String source, String target) {
        Source from = new Source();
        from.setAddress(source);
        link.setSource(from);
        Target to = new Target();
        to.setAddress(target);
        link.setTarget(to);
        link.setProperties(Map.of(Symbol.valueOf("com.microsoft:api-version"), "2020-09-30",
                Symbol.valueOf("com.microsoft:channel-correlation-id"), DEVICE + "/" + MODULE));
        link.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        link.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        return link;
    }

    @Test
    void theServiceNeedsServiceConnect() throws Exception {
        RawRest rest = new RawRest(emulator.hub());
        String path = "/twins/" + DEVICE + "/methods" + RawRest.API;
        String body = "{\"methodName\":\"m\"}";
        assertError(rest.send("POST", path, body, null), 401, "IotHubUnauthorizedAccess", 401002);
        assertError(rest.send("POST", path, body, policyToken("registryReadWrite")), 401, "IotHubUnauthorizedAccess",
                401002);
        assertError(rest.send("POST", path, body, policyToken("service")), 404, "DeviceNotOnline", 404103);
    }

    @Test
    void badTimeoutsNamesAndPayloadsAre400() throws Exception {
        String path = "/twins/" + DEVICE + "/methods";
        for (String body : List.of("{\"methodName\":\"m\",\"responseTimeoutInSeconds\":4}",
                "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":301}",
                "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":0}",
                "{\"methodName\":\"m\",\"connectTimeoutInSeconds\":-1}",
                "{\"methodName\":\"m\",\"connectTimeoutInSeconds\":301}",
                "{\"methodName\":\"m\",\"connectTimeoutInSeconds\":\"ten\"}",
                "{\"payload\":1}", "{\"methodName\":\"a/b\"}", "{\"methodName\":\"\"}", "[]",
                "{\"methodName\":\"m\",\"payload\":\"" + "x".repeat(128 * 1024) + "\"}")) {
            assertError(invoke(path, body).get(10, TimeUnit.SECONDS), 400, "ArgumentInvalid", 400004);
        }
        JsonNode message = assertError(invoke(path, "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":301}")
                .get(10, TimeUnit.SECONDS), 400, "ArgumentInvalid", 400004);
        assertEquals("responseTimeoutInSeconds must be within [5; 300].", message.path("message").asText());
    }

    @Test
    void anUnknownDeviceOrModuleIsNotFoundAndAnOfflineOneNotOnline() throws Exception {
        assertError(invoke("/twins/nobody/methods", "{\"methodName\":\"m\"}").get(10, TimeUnit.SECONDS), 404,
                "DeviceNotFound", 404001);
        assertError(invoke("/twins/" + DEVICE + "/modules/nobody/methods", "{\"methodName\":\"m\"}")
                .get(10, TimeUnit.SECONDS), 404, "ModuleNotFound", 404010);
        JsonNode offline = assertError(invoke("/twins/" + DEVICE + "/modules/" + MODULE + "/methods",
                "{\"methodName\":\"m\"}").get(10, TimeUnit.SECONDS), 404, "DeviceNotOnline", 404103);
        assertEquals("Timed out waiting for device to connect.", offline.path("message").asText());
        assertEquals("00:00:00", offline.path("info").path("timeout").asText(), "the connect timeout, as a time span");
    }

    @Test
    void theTestApiRecordsTheCallAndTheDevicesSide() throws Exception {
        try (RawMqttClient device = subscribedOverMqtt(MqttQoS.AT_MOST_ONCE)) {
            assertEquals(200, answeredOverMqtt(device, "{\"methodName\":\"logged\"}", "{}").statusCode());
        }
        List<String> operations = emulator.hub().receivedOperations();
        for (String expected : List.of(DEVICE + ": method subscribe", "POST /twins/" + DEVICE + "/methods",
                DEVICE + ": method logged", DEVICE + ": method logged response 200")) {
            assertTrue(operations.contains(expected), () -> expected + " in " + operations);
        }
    }

    /** The device connected over MQTT and subscribed to methods at {@code qos}, as the Java (1) and C or Node (0) SDKs. */
    private static RawMqttClient subscribedOverMqtt(MqttQoS qos) throws Exception {
        RawMqttClient device = RawMqttClient.connect(emulator.hub(), DEVICE, null, deviceKey, 60, false);
        device.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(qos, "$iothub/methods/POST/#").build());
        MqttMessage subAck = device.receive();
        assertEquals(MqttMessageType.SUBACK, subAck.fixedHeader().messageType());
        assertEquals(List.of(qos.value()), ((MqttSubAckMessage) subAck).payload().grantedQoSLevels());
        return device;
    }

    /** The service's answer to a call of the device's method with {@code body}, which the device answers 200 {@code answer}. */
    private static HttpResponse<String> answeredOverMqtt(RawMqttClient device, String body, String answer)
            throws Exception {
        CompletableFuture<HttpResponse<String>> call = invoke("/twins/" + DEVICE + "/methods", body);
        MqttPublishMessage request = (MqttPublishMessage) device.receive();
        device.send(publish(responseTopic(request, 200), MqttQoS.AT_MOST_ONCE, 0, answer));
        return call.get(10, TimeUnit.SECONDS);
    }

    private static CompletableFuture<HttpResponse<String>> invoke(String path, String body) {
        RawRest rest = new RawRest(emulator.hub());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return rest.send("POST", path + RawRest.API, body, rest.ownerToken());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String responseTopic(MqttPublishMessage request, int status) {
        String topic = request.variableHeader().topicName();
        return "$iothub/methods/res/" + status + topic.substring(topic.indexOf("/?$rid="));
    }

    private static String body(MqttPublishMessage message) {
        try {
            return new String(ByteBufUtil.getBytes(message.content()), StandardCharsets.UTF_8);
        } finally {
            message.release();
        }
    }

    private static MqttPublishMessage publish(String topic, MqttQoS qos, int packetId, String body) {
        return MqttMessageBuilders.publish().topicName(topic).qos(qos).messageId(packetId).retained(false)
                .payload(Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8))).build();
    }

    private static String policyToken(String policy) {
        String key = ExternalHub.valueOf(emulator.hub().connectionString(policy), "SharedAccessKey");
        return SharedAccessSignature.sign(emulator.hub().hostName(), key, policy, Instant.now().plusSeconds(300));
    }

    /**
     * The hub's error as direct methods answer it: the status, the {@code iothub-errorcode} header, and a JSON
     * document in {@code Message} with the numeric {@code errorCode}, {@code ExceptionMessage} empty; that document.
     */
    private static JsonNode assertError(HttpResponse<String> response, int status, String name, int errorCode)
            throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(name, response.headers().firstValue("iothub-errorcode").orElse(null));
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertEquals("", body.path("ExceptionMessage").asText(null), response.body());
        JsonNode message = Json.MAPPER.readTree(body.path("Message").asText());
        assertEquals(errorCode, message.path("errorCode").asInt(), response.body());
        return message;
    }
}
