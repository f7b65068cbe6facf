package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.AmqpTwinLinks;
import dev.iothub.emulator.testing.EmulatorLog;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawMqttClient;
import dev.iothub.emulator.testing.RawSocket;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wire of the Azure IoT C SDK (LTS_03_2025, 1.14.0), which no test can run here: its own MQTT (umqtt),
 * AMQP (uamqp) and WebSocket stacks, read in its sources ({@code iothub_client/src/iothubtransport*},
 * uamqp's {@code saslclientio}, {@code cbs}, {@code amqp_management}). What it sends that the Java and Node
 * SDKs do not: the WebSocket subprotocol {@code MQTT} in upper case; a module's subscription to
 * {@code devices/{d}/modules/{m}/#}; SASL {@code MSSBCBS}, closing at once when the hub does not offer it;
 * put-tokens with a ulong message-id; link addresses as URIs, {@code amqps://{host}/devices/...}; telemetry
 * batched in one message of format 0x80013700, as large as the link's max-message-size; its service client's
 * policy and token in SASL PLAIN.
 */
class CSdkWireTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.56");
    private static final String DEVICE = "c-device";
    private static final String MODULE = "c-module";
    /** The C SDK's user name: its product info URL-encoded, as {@code URL_EncodeString} writes it. */
    private static final String QUERY = "?api-version=2020-09-30"
            + "&DeviceClientType=iothubclient%2f1.14.0%20(native%3b%20Linux%3b%20x86_64)";
    private static final int BATCH_FORMAT = 0x80013700;
    private static String key;

    @BeforeAll
    static void createModule() {
        key = ExternalHub.valueOf(emulator.hub().moduleConnectionString(DEVICE, MODULE), "SharedAccessKey");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aModuleConnectsOverMqttAsTheCSdkDoesAndReadsItsTwin(boolean webSocket) throws Exception {
        RawSocket socket = webSocket ? RawSocket.webSocket(emulator.hub().clientSslContext(), host(), "MQTT")
                : RawSocket.tls(emulator.hub().clientSslContext(), host(), 8883);
        if (webSocket) {
            assertTrue(socket.upgradeResponse().toLowerCase(Locale.ROOT).contains("sec-websocket-protocol: mqtt"),
                    socket.upgradeResponse());
        }
        try (RawMqttClient client = new RawMqttClient(socket)) {
            client.send(MqttMessageBuilders.connect()
                    .clientId(DEVICE + "/" + MODULE)
                    .protocolVersion(MqttVersion.MQTT_3_1_1)
                    .username(host() + "/" + DEVICE + "/" + MODULE + "/" + QUERY)
                    .password(token().getBytes(StandardCharsets.UTF_8))
                    .keepAlive(240)
                    .cleanSession(false)
                    .build());
            MqttConnAckMessage connAck = (MqttConnAckMessage) client.receive();
            assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, connAck.variableHeader().connectReturnCode());

            // what IoTHubModuleClient_LL subscribes to with a twin callback and an input message callback
            client.send(MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "$iothub/twin/res/#")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "$iothub/twin/PATCH/properties/desired/#")
                    .addSubscription(MqttQoS.AT_LEAST_ONCE, "devices/" + DEVICE + "/modules/" + MODULE + "/#")
                    .build());
            MqttSubAckMessage subAck = (MqttSubAckMessage) client.receive();
            assertEquals(List.of(0, 1, 1), subAck.payload().grantedQoSLevels());

            client.send(publish("$iothub/twin/GET/?$rid=1", MqttQoS.AT_MOST_ONCE, ""));
            MqttPublishMessage twin = (MqttPublishMessage) client.receive();
            assertEquals("$iothub/twin/res/200/?$rid=1", twin.variableHeader().topicName());
            twin.release();

            client.send(publish("devices/" + DEVICE + "/modules/" + MODULE
                    + "/messages/events/%24.mid=1&%24.ct=application/json&%24.ce=utf-8&temperature=20", // not encoded
                    MqttQoS.AT_LEAST_ONCE, "{\"temperature\":20}"));
            assertInstanceOf(MqttPubAckMessage.class, client.receive());
            TelemetryMessage kept = lastTelemetry(1).get(0);
            assertEquals("{\"temperature\":20}", kept.bodyAsString());
            assertEquals("1", kept.messageId());
            assertEquals("application/json", kept.contentType());
            assertEquals("utf-8", kept.contentEncoding());
            assertEquals(Map.of("temperature", "20"), kept.properties());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aModuleAuthenticatesWithSaslMssbcbsAndAttachesItsLinksByUri(boolean webSocket) throws Exception {
        RawSocket socket = webSocket ? RawSocket.webSocket(emulator.hub().clientSslContext(), host(), "AMQPWSB10")
                : RawSocket.tls(emulator.hub().clientSslContext(), host(), RawAmqpClient.PORT);
        try (RawAmqpClient client = new RawAmqpClient(socket, "MSSBCBS")) {
            client.open(host());
            Sasl sasl = client.transport().sasl();
            assertEquals(List.of("MSSBCBS", "PLAIN", "ANONYMOUS"), Arrays.asList(sasl.getRemoteMechanisms()));
            assertEquals(Sasl.SaslOutcome.PN_SASL_OK, sasl.getOutcome());
            Session session = client.session();
            assertStatus(200, PutToken.exchange(client, session, PutToken.request(UnsignedLong.valueOf(0),
                    "put-token", resource(), token())));

            String twinAddress = "amqps://" + host() + "/devices/" + DEVICE + "/modules/" + MODULE + "/twin";
            AmqpTwinLinks twin = new AmqpTwinLinks(client, client.sender(session, twinAddress, SenderSettleMode.UNSETTLED),
                    client.receiver(session, twinAddress, SenderSettleMode.UNSETTLED));
            assertEquals(EndpointState.ACTIVE, twin.sender().getRemoteState(), "the twin link is attached");
            assertEquals(UnsignedLong.valueOf(1024 * 1024), twin.sender().getRemoteMaxMessageSize(),
                    "the hub's max-message-size, which the C SDK batches telemetry up to");
            AmqpTwinLinks.assertStatusAnnotation(200,
                    twin.request(UUID.randomUUID().toString(), "GET", null, " "));
            AmqpTwinLinks.assertStatusAnnotation(204, twin.request(UUID.randomUUID().toString(), "PATCH",
                    "/properties/reported", "{\"firmware\":\"1.14.0\"}"));
            AmqpTwinLinks.assertStatusAnnotation(200, twin.request(UUID.randomUUID().toString(), "PUT",
                    "/notifications/twin/properties/desired", " "));

            Sender events = client.sender(session, "amqps://" + host() + "/devices/" + DEVICE + "/modules/" + MODULE
                    + "/messages/events", SenderSettleMode.UNSETTLED);
            Delivery batch = client.send(events, batch(telemetry(200 * 1024, 'a'), telemetry(200 * 1024, 'b')),
                    BATCH_FORMAT);
            client.await("the disposition of a batch", () -> batch.getRemoteState() != null);
            assertInstanceOf(Accepted.class, batch.getRemoteState(), "a batch may be larger than one message");
            assertEquals(List.of("a".repeat(200 * 1024), "b".repeat(200 * 1024)),
                    lastTelemetry(2).stream().map(TelemetryMessage::bodyAsString).toList(),
                    "each message of the batch is kept, in order");
            Delivery tooLarge = client.send(events, telemetry(300 * 1024, 'c'));
            client.await("the disposition of 300 KiB", () -> tooLarge.getRemoteState() != null);
            Rejected rejected = assertInstanceOf(Rejected.class, tooLarge.getRemoteState());
            assertEquals("amqp:link:message-size-exceeded", rejected.getError().getCondition().toString());
            assertEquals(EndpointState.ACTIVE, events.getRemoteState(), "the link goes on");
        }
    }

    @Test
    void aClientClosingWhenItFindsNoMechanismOfItsOwnIsLoggedSayingSo() throws Exception {
        try (EmulatorLog log = EmulatorLog.capture()) {
            try (RawSocket socket = RawSocket.tls(emulator.hub().clientSslContext(), host(), RawAmqpClient.PORT)) {
                socket.out().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0});
                socket.out().flush();
                byte[] header = socket.in().readNBytes(8);
                assertEquals(3, header[4], "the hub answers with SASL's protocol header");
            } // closed, as uamqp closes when the hub offers no mechanism of its own

            log.await("closed: the client ended it during SASL, choosing none of the mechanisms offered (MSSBCBS,"
                    + " PLAIN, ANONYMOUS)");
        }
    }

    @Test
    void aMechanismNotEmulatedIsRefusedAndTheLogSaysWhich() throws Exception {
        try (EmulatorLog log = EmulatorLog.capture();
             RawAmqpClient client = new RawAmqpClient(RawSocket.tls(emulator.hub().clientSslContext(), host(),
                     RawAmqpClient.PORT), "EXTERNAL")) {
            client.awaitPeerClosed();

            assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.transport().sasl().getOutcome());
            log.await("closed: the client's SASL was refused: it chose the mechanism EXTERNAL, which hub-emulator does"
                    + " not emulate");
        }
    }

    /**
     * The C SDK's service client (iothub_messaging_ll.c) gives its policy and token in SASL PLAIN, then sends to
     * {@code amqps://{host}/messages/deviceBound} with no put-token.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theServiceClientAuthenticatesWithSaslPlainAndSendsACloudToDeviceMessage(boolean webSocket) throws Exception {
        String policyKey = ExternalHub.valueOf(emulator.hub().connectionString("service"), "SharedAccessKey");
        String token = SharedAccessSignature.sign(host(), policyKey, "service", Instant.now().plusSeconds(3600));
        try (RawAmqpClient client = RawAmqpClient.plain(socket(webSocket), "service@sas.root." + hubName(), token)) {
            client.open(host());
            assertEquals(Sasl.SaslOutcome.PN_SASL_OK, client.transport().sasl().getOutcome());
            Sender sender = client.sender(client.session(), "amqps://" + host() + "/messages/deviceBound",
                    SenderSettleMode.UNSETTLED);
            Message message = Proton.message();
            message.setAddress("/devices/" + DEVICE + "/messages/devicebound");
            message.setMessageId(UUID.randomUUID().toString());
            message.setBody(new Data(new Binary("{\"setPoint\":21}".getBytes(StandardCharsets.UTF_8))));

            Delivery sent = client.send(sender, message);

            client.await("the disposition of the message", () -> sent.getRemoteState() != null);
            assertInstanceOf(Accepted.class, sent.getRemoteState());
        }
    }

    @Test
    void saslPlainWithAWrongKeyOrADevicesIdentityIsRefused() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        String token = SharedAccessSignature.sign(host(), wrongKey, "service", Instant.now().plusSeconds(3600));
        for (String user : List.of("service@sas.root." + hubName(), DEVICE + "@sas." + hubName())) {
            try (EmulatorLog log = EmulatorLog.capture();
                 RawAmqpClient client = RawAmqpClient.plain(socket(false), user, user.contains("root") ? token
                         : SharedAccessSignature.sign(resource(), key, null, Instant.now().plusSeconds(3600)))) {
                client.awaitPeerClosed();

                assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.transport().sasl().getOutcome(), user);
                String logged = log.await("closed: the client's SASL was refused: ");
                assertFalse(logged.contains("sig="), "no token in the log:\n" + logged);
            }
        }
    }

    /** A client that does not trust the emulator's CA refuses the handshake; the emulator's log says why. */
    @Test
    void aHandshakeTheClientRefusesIsLoggedWithWhatToDo() throws Exception {
        TrustManagerFactory publicCas = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        publicCas.init((KeyStore) null); // the JDK's own CAs, not the emulator's
        SSLContext distrusting = SSLContext.getInstance("TLS");
        distrusting.init(null, publicCas.getTrustManagers(), null);
        try (EmulatorLog log = EmulatorLog.capture();
             SSLSocket socket = (SSLSocket) distrusting.getSocketFactory().createSocket(host(), 8883)) {
            assertThrows(SSLHandshakeException.class, socket::startHandshake);

            String logged = log.await("on port 8883 failed: the client refused it (TLS alert certificate_unknown): the"
                    + " client does not trust the emulator's certificate; give it the emulator's CA, ca.pem");
            assertTrue(logged.contains("TLS handshake with /"), logged);
        }
    }

    /** Several messages in one, as the C SDK's telemetry messenger batches them: each a Data section of its own. */
    private static byte[] batch(Message... messages) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Message message : messages) {
            Message section = Proton.message(); // a message of a body alone encodes as that one Data section
            section.setBody(new Data(new Binary(RawAmqpClient.encode(message))));
            bytes.writeBytes(RawAmqpClient.encode(section));
        }
        return bytes.toByteArray();
    }

    private static Message telemetry(int size, char fill) {
        Message message = Proton.message();
        message.setBody(new Data(new Binary(String.valueOf(fill).repeat(size).getBytes(StandardCharsets.US_ASCII))));
        return message;
    }

    /** The last {@code count} messages the module sent that the hub kept, oldest first. */
    private static List<TelemetryMessage> lastTelemetry(int count) {
        List<TelemetryMessage> sent = emulator.hub().receivedTelemetry().stream()
                .filter(message -> MODULE.equals(message.moduleId()) && DEVICE.equals(message.deviceId())).toList();
        return sent.subList(Math.max(0, sent.size() - count), sent.size());
    }

    private static MqttPublishMessage publish(String topic, MqttQoS qos, String payload) {
        return MqttMessageBuilders.publish().topicName(topic).qos(qos).messageId(qos == MqttQoS.AT_MOST_ONCE ? 0 : 2)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
    }

    private static RawSocket socket(boolean webSocket) throws Exception {
        return webSocket ? RawSocket.webSocket(emulator.hub().clientSslContext(), host(), "AMQPWSB10")
                : RawSocket.tls(emulator.hub().clientSslContext(), host(), RawAmqpClient.PORT);
    }

    /** The hub's name, as the C SDK's service client takes it: the host name's first label. */
    private static String hubName() {
        return host().split("\\.")[0];
    }

    private static String resource() {
        return host() + "/devices/" + DEVICE + "/modules/" + MODULE;
    }

    private static String token() {
        return SharedAccessSignature.sign(resource(), key, null, Instant.now().plusSeconds(3600));
    }

    private static String host() {
        return emulator.hub().hostName();
    }
}
