package dev.iothub.emulator.internal.amqp;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.AmqpTwinLinks;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.PutToken;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wire of the other SDK family, Node's azure-iot-device-amqp (rhea), which no test can run unmodified
 * here: no SASL layer, one session for CBS and twin, string message and correlation ids, a URL-encoded
 * {@code sr}, twin links with snd-settle-mode settled and requests sent pre-settled with a Data " " body.
 * Also what both families rely on: the hub's Open, its heartbeats, and a uuid correlation-id echoed as a uuid.
 */
class AmqpNodeWireTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.14");

    private String deviceId;
    private String moduleKey;

    /** A module, as in the notes' Node sequence: its {@code sr} has the most to encode. */
    @BeforeEach
    void createModule(TestInfo test) throws Exception {
        deviceId = "node-" + test.getTestMethod().orElseThrow().getName();
        RegistryClient registry = new RegistryClient(emulator.hub().serviceConnectionString());
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        moduleKey = registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS)).getPrimaryKey();
    }

    @Test
    void theHubsOpenAdvertisesWhatTheRealHubDoes() throws Exception {
        try (RawAmqpClient client = nodeClient()) {
            assertTrue(client.connection().getRemoteContainer().matches("DeviceGateway_[0-9a-f]{32}"),
                    client.connection().getRemoteContainer());
            assertEquals(65536, client.transport().getRemoteMaxFrameSize());
            assertEquals(8191, client.transport().getRemoteChannelMax());
            assertEquals(240_000, client.transport().getRemoteIdleTimeout());
        }
    }

    /** A client that advertises the least idle-time-out the hub takes, 5 s, hears from the hub at least that often. */
    @Test
    void theHubSendsHeartbeatsWithinTheClientsIdleTimeout() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(emulator.hub().clientSslContext(), host(), false)) {
            client.transport().setIdleTimeout(10_000); // Proton-J advertises half
            client.open(host());
            long framesBefore = client.transport().getFramesInput();
            long start = System.nanoTime();

            client.await("two heartbeats", () -> client.transport().getFramesInput() >= framesBefore + 2);

            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis < 2 * 5000, "two heartbeats took " + elapsedMillis + " ms");
            assertEquals(EndpointState.ACTIVE, client.connection().getRemoteState());
        }
    }

    /** As the hub's AMQP stack does: an idle-time-out under 5 s would have it write heartbeats without end. */
    @Test
    void anIdleTimeoutUnderFiveSecondsIsNotAllowed() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(emulator.hub().clientSslContext(), host(), false)) {
            client.transport().setIdleTimeout(2); // Proton-J advertises 1 ms
            client.connection().open();

            client.awaitPeerClosed();

            assertEquals("amqp:not-allowed", String.valueOf(client.connection().getRemoteCondition().getCondition()));
            assertEquals("Idle timeout value specified in connection OPEN ('1 ms') is not supported. Minimum idle"
                    + " timeout is '5000' ms.", client.connection().getRemoteCondition().getDescription());
        }
    }

    @Test
    void aPutTokenWithAStringMessageIdAndAnEncodedNameIsAnsweredWithTheSameString() throws Exception {
        try (RawAmqpClient client = nodeClient()) {
            String messageId = UUID.randomUUID().toString();

            RawAmqpClient.Received response = PutToken.exchange(client, client.session(),
                    PutToken.request(messageId, "put-token", URLEncoder.encode(resource(), StandardCharsets.UTF_8), token()));

            assertEquals(messageId, response.message().getCorrelationId());
            assertStatus(200, response);
        }
    }

    @Test
    void aPreSettledGetIsAnsweredWithTheTwinAndTheSameStringCorrelationId() throws Exception {
        TwinClient twins = new TwinClient(emulator.hub().serviceConnectionString());
        Twin twin = twins.get(deviceId, "m");
        twin.getDesiredProperties().put("telemetryInterval", 30);
        twins.patch(twin);
        try (RawAmqpClient client = nodeClient()) {
            AmqpTwinLinks links = twinLinks(client);
            String correlationId = UUID.randomUUID().toString();

            RawAmqpClient.Received answer = links.request(correlationId, "GET", null, " ");

            assertEquals(correlationId, answer.message().getCorrelationId(), "the same string");
            AmqpTwinLinks.assertStatusAnnotation(200, answer);
            assertTrue(answer.settled(), "pre-settled, as the client's snd-settle-mode asked");
            JsonNode document = Json.MAPPER.readTree(onlyData(answer));
            assertEquals(30, document.path("desired").path("telemetryInterval").asInt(), document.toString());
            assertEquals(2, document.path("desired").path("$version").asLong(), document.toString());
            assertEquals(1, document.path("reported").path("$version").asLong(), document.toString());
        }
    }

    @Test
    void aPatchOfReportedIsAnswered204WithTheNewVersionAsALong() throws Exception {
        try (RawAmqpClient client = nodeClient()) {
            AmqpTwinLinks links = twinLinks(client);
            String correlationId = UUID.randomUUID().toString();

            RawAmqpClient.Received answer = links.request(correlationId, "PATCH", "/properties/reported",
                    "{\"firmware\":\"1.2.3\"}");

            assertEquals(correlationId, answer.message().getCorrelationId());
            AmqpTwinLinks.assertStatusAnnotation(204, answer);
            Object version = AmqpTwinLinks.annotation(answer, AmqpTwinLinks.VERSION);
            assertInstanceOf(Long.class, version, "version is an AMQP long");
            Twin twin = new TwinClient(emulator.hub().serviceConnectionString()).get(deviceId, "m");
            assertEquals("1.2.3", twin.getReportedProperties().get("firmware"));
            assertEquals((long) twin.getReportedProperties().getVersion(), version);
        }
    }

    @Test
    void afterAPreSettledPutADesiredChangeMadeThroughRestArrivesWithoutCorrelationId() throws Exception {
        try (RawAmqpClient client = nodeClient()) {
            AmqpTwinLinks links = twinLinks(client);
            RawAmqpClient.Received subscribed = links.request(UUID.randomUUID().toString(), "PUT",
                    "/notifications/twin/properties/desired", " ");
            AmqpTwinLinks.assertStatusAnnotation(200, subscribed);

            TwinClient twins = new TwinClient(emulator.hub().serviceConnectionString());
            Twin twin = twins.get(deviceId, "m");
            twin.getDesiredProperties().put("telemetryInterval", 45);
            twins.patch(twin);
            RawAmqpClient.Received change = client.receive(links.receiver());

            assertNull(change.message().getCorrelationId(), "a notification, not an answer");
            Object version = AmqpTwinLinks.annotation(change, AmqpTwinLinks.VERSION);
            assertInstanceOf(Long.class, version, "version is an AMQP long");
            JsonNode patch = Json.MAPPER.readTree(onlyData(change));
            assertEquals(45, patch.path("telemetryInterval").asInt(), patch.toString());
            assertEquals(version, patch.path("$version").asLong());
            assertEquals((long) twins.get(deviceId, "m").getDesiredProperties().getVersion(), version);
        }
    }

    /** The Java SDK's correlation-id is an AMQP uuid, and it casts the answer's to UUID: the type comes back too. */
    @Test
    void aUuidCorrelationIdIsEchoedAsAUuid() throws Exception {
        try (RawAmqpClient client = new RawAmqpClient(emulator.hub().clientSslContext(), host(), true)) {
            client.open(host());
            Session session = client.session();
            String sr = resource();
            assertStatus(200, PutToken.exchange(client, session, PutToken.request(UUID.randomUUID(), "put-token", sr,
                    token())));
            String address = "/devices/" + deviceId + "/modules/m/twin";
            AmqpTwinLinks links = new AmqpTwinLinks(client, client.sender(session, address, SenderSettleMode.UNSETTLED),
                    client.receiver(session, address, SenderSettleMode.UNSETTLED));
            UUID correlationId = UUID.randomUUID();

            RawAmqpClient.Received answer = links.request(correlationId, "GET", null, "");

            assertEquals(correlationId, answer.message().getCorrelationId(), "the same uuid, not its text");
            AmqpTwinLinks.assertStatusAnnotation(200, answer);
        }
    }

    /** Node's twin links on its one session, after a put-token there: the sender first, then the receiver, both settled. */
    private AmqpTwinLinks twinLinks(RawAmqpClient client) {
        Session session = client.session();
        String name = URLEncoder.encode(resource(), StandardCharsets.UTF_8);
        assertStatus(200, PutToken.exchange(client, session,
                PutToken.request(UUID.randomUUID().toString(), "put-token", name, token())));
        String address = "/devices/" + deviceId + "/modules/m/twin";
        Sender sender = client.sender(session, address, SenderSettleMode.SETTLED);
        Receiver receiver = client.receiver(session, address, SenderSettleMode.SETTLED);
        assertEquals(EndpointState.ACTIVE, sender.getRemoteState());
        assertEquals(EndpointState.ACTIVE, receiver.getRemoteState());
        assertEquals(SenderSettleMode.SETTLED, receiver.getRemoteSenderSettleMode(), "the hub echoes the settle mode");
        return new AmqpTwinLinks(client, sender, receiver);
    }

    /** The body's bytes, which must be exactly one Data section: Java casts the body to Data, rhea wants a Buffer. */
    private static byte[] onlyData(RawAmqpClient.Received received) {
        List<Section> bodies = received.sections().stream()
                .filter(section -> section instanceof Data || section instanceof AmqpValue || section instanceof AmqpSequence)
                .toList();
        assertEquals(1, bodies.size(), "one body section: " + bodies);
        Binary data = assertInstanceOf(Data.class, bodies.get(0)).getValue();
        return Arrays.copyOfRange(data.getArray(), data.getArrayOffset(), data.getArrayOffset() + data.getLength());
    }

    /** A client as Node's connects: the bare AMQP header (no SASL), then Open with the hub's host name. */
    private static RawAmqpClient nodeClient() throws Exception {
        RawAmqpClient client = new RawAmqpClient(emulator.hub().clientSslContext(), host(), false);
        client.open(host());
        return client;
    }

    private String resource() {
        return host() + "/devices/" + deviceId + "/modules/m";
    }

    /** Node's token: {@code sr} first and URL-encoded, as SharedAccessSignature.sign writes it. */
    private String token() {
        return SharedAccessSignature.sign(resource(), moduleKey, null, Instant.now().plusSeconds(3600));
    }

    private static String host() {
        return emulator.hub().hostName();
    }
}
