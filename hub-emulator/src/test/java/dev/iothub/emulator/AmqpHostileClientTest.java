package dev.iothub.emulator;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.transport.Limits;
import dev.iothub.emulator.testing.DefaultTrust;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawRest;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.amqp.transport.Transfer;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * AMQP clients that would hold the emulator's memory without end if it let them: strangers that attach links
 * and begin messages they never finish, or never authenticate; authenticated clients that ignore the session
 * window or the credit, or ask and give no credit for the answers. Each connection ends with the AMQP condition
 * that says why (README's limits), and the emulator goes on serving. The opening limit is shortened to seconds.
 */
class AmqpHostileClientTest {
    private static final Duration OPENING = Duration.ofSeconds(2);
    private static final String RESOURCE_LIMIT_EXCEEDED = "amqp:resource-limit-exceeded";
    private static HubEmulator hub;
    private static DefaultTrust trust;
    private String deviceId;
    private String key;

    @BeforeAll
    static void start() throws Exception {
        hub = HubEmulator.builder().address("127.0.0.31")
                .limits(new Limits(OPENING, Duration.ofMinutes(4), Limits.defaultMaxConnections())).start();
        trust = DefaultTrust.of(hub);
    }

    @AfterAll
    static void stop() {
        trust.close();
        hub.close();
    }

    @BeforeEach
    void createDevice(TestInfo test) throws Exception {
        deviceId = test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
        key = registry().addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
    }

    /** The attack the issue found: 1,000 links to $cbs, each with a 230 KB message begun and never finished. */
    @Test
    void aStrangerMayNotAttachManyLinks() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();
            for (int i = 0; i < 5; i++) {
                Sender sender = session.sender("cbs-" + i);
                sender.setTarget(target("$cbs"));
                sender.open();
            }
            client.writeRaw(new byte[0]);

            assertClosedWith(client, RESOURCE_LIMIT_EXCEEDED, "The connection has more than 4 links before a put-token"
                    + " succeeded.");
        }
    }

    @Test
    void aStrangerMayNotBeginMessagesOfMoreThan64KiB() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Sender cbs = client.sender(client.session(), "$cbs", SenderSettleMode.UNSETTLED);
            cbs.delivery(new byte[] {1});
            byte[] part = new byte[230 * 1024];
            cbs.send(part, 0, part.length); // never advanced: the transfers say more is to come
            client.writeRaw(new byte[0]);

            assertClosedWith(client, RESOURCE_LIMIT_EXCEEDED, "The connection holds more than 65536 bytes of unfinished"
                    + " messages before a put-token succeeded.");
        }
    }

    /**
     * Past the opening limit, a client with no identity yet may wait for one (a Java MultiplexingClient opened
     * before its devices are registered) holding the CBS node's session and links, and nothing more.
     */
    @Test
    void pastTheOpeningLimitAStrangerMayOnlyWait() throws Exception {
        try (RawAmqpClient waiting = javaStyle(); RawAmqpClient holding = javaStyle()) {
            Session waitingSession = waiting.session();
            Sender cbsSender = waiting.sender(waitingSession, "$cbs", SenderSettleMode.UNSETTLED);
            Receiver cbsReceiver = waiting.receiver(waitingSession, "$cbs", SenderSettleMode.UNSETTLED);
            Session holdingSession = holding.session();
            holding.session(); // as the Java SDK does: the CBS session and the device's, before the put-token
            holding.sender(holdingSession, "$cbs", SenderSettleMode.UNSETTLED);

            assertClosedWith(holding, "amqp:unauthorized-access", "No put-token succeeded within the opening limit,"
                    + " and the connection holds more than the CBS node's session and links.");
            assertStatus(200, PutToken.exchange(waiting, cbsSender, cbsReceiver, putToken(token())));
        }
    }

    /** Proton-J advertises the window and does not enforce it: the hub counts what a session holds. */
    @Test
    void aClientBeyondTheSessionWindowIsClosed() throws Exception {
        try (RawAmqpClient client = authenticated()) {
            Session session = client.session(); // channel 1: the put-token's session is channel 0
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            byte[] part = new byte[60 * 1024];
            // the window (2 MiB) and the largest message (1 MiB) beyond it: some 3.3 MiB held
            for (int handle = 0; handle < 14; handle++) {
                client.sender(session, "/devices/" + deviceId + "/messages/events", SenderSettleMode.UNSETTLED);
                // each link a message of 4 frames (240 KiB, within the message size), begun and not finished
                for (int frame = 0; frame < 4; frame++) {
                    frames.writeBytes(RawAmqpClient.frame(1, transfer(handle, handle, true), part));
                }
            }

            client.writeRaw(frames.toByteArray());

            assertClosedWith(client, "amqp:session:window-violation", null);
        }
    }

    @Test
    void aClientBeyondTheLinksCreditIsClosed() throws Exception {
        try (RawAmqpClient client = authenticated()) {
            Session session = client.session();
            client.sender(session, "/devices/" + deviceId + "/messages/events", SenderSettleMode.UNSETTLED);
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (int deliveryId = 0; deliveryId < 150; deliveryId++) { // the hub gave 100
                frames.writeBytes(RawAmqpClient.frame(1, transfer(0, deliveryId, false), encode(telemetry())));
            }

            client.writeRaw(frames.toByteArray());

            assertClosedWith(client, "amqp:link:transfer-limit-exceeded", null);
        }
    }

    /** The no-credit reader: twin GETs of a 28 KB twin, and no credit for the answers. */
    @Test
    void aClientThatGivesNoCreditForItsAnswersIsClosed() throws Exception {
        largeDesiredProperties(new TwinClient(hub.serviceConnectionString()), "");
        try (RawAmqpClient client = authenticated()) {
            Session session = client.session();
            String address = "/devices/" + deviceId + "/twin";
            Sender requests = client.sender(session, address, SenderSettleMode.UNSETTLED);
            client.receiver(session, address, SenderSettleMode.UNSETTLED, 0);
            for (int i = 0; i < 45; i++) { // some 1.3 MB of answers
                client.send(requests, twinGet());
            }

            assertClosedWith(client, RESOURCE_LIMIT_EXCEEDED, null);
        }
    }

    /**
     * A client subscribed to desired changes that stops reading and falls silent, while the service patches its
     * twin: no heartbeat can reach it, and it is closed once silent for the idle timeout all the same (shortened
     * to 5 s, on an emulator of its own).
     */
    @Test
    @SuppressWarnings("try") // quickTrust does its work by being open: the SDK's HTTPS trusts that emulator meanwhile
    void aClientThatNeitherReadsNorWritesIsClosedAtTheIdleTimeout() throws Exception {
        try (HubEmulator quick = HubEmulator.builder().address("127.0.0.32")
                .limits(Limits.defaults().withAmqpIdle(Duration.ofSeconds(5))).start();
             DefaultTrust quickTrust = DefaultTrust.of(quick)) {
            String quickKey = new RegistryClient(quick.serviceConnectionString())
                    .addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
            RawAmqpClient client = new RawAmqpClient(quick.clientSslContext(), quick.hostName(), true);
            client.open(quick.hostName());
            String resource = quick.hostName() + "/devices/" + deviceId;
            String token = SharedAccessSignature.sign(resource, quickKey, null, Instant.now().plusSeconds(3600));
            assertStatus(200, PutToken.exchange(client, client.session(),
                    PutToken.request(UUID.randomUUID(), "put-token", resource, token)));
            Session session = client.session();
            String address = "/devices/" + deviceId + "/twin";
            Sender requests = client.sender(session, address, SenderSettleMode.UNSETTLED);
            client.receiver(session, address, SenderSettleMode.UNSETTLED);
            client.send(requests, twinRequest("PUT", "/notifications/twin/properties/desired"));

            TwinClient twins = new TwinClient(quick.serviceConnectionString());
            for (int i = 0; i < 500; i++) { // some 14 MB of desired changes: more than the sockets' buffers hold
                largeDesiredProperties(twins, "patch " + i);
            }

            Conditions.await("the end of the connection of a client that neither reads nor writes",
                    Duration.ofSeconds(20), () -> quick.receivedOperations().contains(deviceId + ": disconnect"));
            client.close();
        }
    }

    /** 100,000 put-tokens with no reply link grew the heap by 15 MB: the answers wait within the budget. */
    @Test
    void putTokensWithNoReplyLinkAreBounded() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Sender cbs = client.sender(client.session(), "$cbs", SenderSettleMode.SETTLED);
            for (int i = 0; i < 8000; i++) { // each answer some 150 bytes: more than 1 MiB waits
                client.send(cbs, PutToken.request(UUID.randomUUID(), "delete-token", "x", "x"));
            }

            assertClosedWith(client, RESOURCE_LIMIT_EXCEEDED, null);
        }
    }

    /** As the hub: 1,000 identities on one connection; the next put-token is answered 500, and the rest go on. */
    @Test
    void theThousandAndFirstIdentityOnAConnectionIs500() throws Exception {
        RawRest rest = new RawRest(hub);
        for (int batch = 0; batch < 11; batch++) { // bulk creates of 100, as the SDKs' addDevices send them
            StringBuilder items = new StringBuilder();
            for (int i = 0; i < 100; i++) {
                items.append(i == 0 ? "[" : ",").append("{\"id\":\"").append(deviceId).append('-')
                        .append(batch * 100 + i).append("\",\"importMode\":\"create\"}");
            }
            assertEquals(200, rest.send("POST", "/devices" + RawRest.API, items + "]", rest.ownerToken()).statusCode());
        }
        String policyKey = ExternalHub.valueOf(hub.connectionString("device"), "SharedAccessKey");
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();
            Sender cbs = client.sender(session, "$cbs", SenderSettleMode.UNSETTLED);
            Receiver answers = client.receiver(session, "$cbs", SenderSettleMode.UNSETTLED, 1001);
            for (int i = 0; i <= 1000; i++) {
                String resource = hub.hostName() + "/devices/" + deviceId + "-" + i;
                String token = SharedAccessSignature.sign(resource, policyKey, "device",
                        Instant.now().plusSeconds(3600));
                RawAmqpClient.Received answer = PutToken.exchange(client, cbs, answers,
                        PutToken.request(UUID.randomUUID(), "put-token", resource, token));
                if (i < 1000) {
                    assertStatus(200, answer);
                } else {
                    assertStatus(500, answer);
                    assertEquals("The maximum number of tokens per connection (1000) has been reached.",
                            PutToken.applicationProperty(answer, "status-description"));
                }
            }
            Sender twin = client.sender(session, "/devices/" + deviceId + "-0/twin", SenderSettleMode.UNSETTLED);
            assertEquals(EndpointState.ACTIVE, twin.getRemoteState(), "the connection and its identities go on");
        }
    }

    /** Desired properties of some 28 KB on the test's device, each ending with {@code tail}. */
    private void largeDesiredProperties(TwinClient twins, String tail) throws Exception {
        Twin twin = new Twin(deviceId);
        for (int i = 0; i < 7; i++) { // strings are at most 4 KB each
            twin.getDesiredProperties().put("large" + i, "x".repeat(4000 - tail.length()) + tail);
        }
        twins.patch(twin);
    }

    private void assertClosedWith(RawAmqpClient client, String condition, String description) throws Exception {
        client.awaitPeerClosed();
        assertEquals(condition, String.valueOf(client.connection().getRemoteCondition().getCondition()),
                client.connection().getRemoteCondition().getDescription());
        if (description != null) {
            assertEquals(description, client.connection().getRemoteCondition().getDescription());
        }
        assertEquals(deviceId, registry().getDevice(deviceId).getDeviceId(), "the emulator goes on serving");
    }

    private RawAmqpClient authenticated() throws Exception {
        RawAmqpClient client = javaStyle();
        assertStatus(200, PutToken.exchange(client, client.session(), putToken(token())));
        return client;
    }

    private Message putToken(String token) {
        return PutToken.request(UUID.randomUUID(), "put-token", hub.hostName() + "/devices/" + deviceId, token);
    }

    private String token() {
        return SharedAccessSignature.sign(hub.hostName() + "/devices/" + deviceId, key, null,
                Instant.now().plusSeconds(3600));
    }

    private static RawAmqpClient javaStyle() throws Exception {
        RawAmqpClient client = new RawAmqpClient(hub.clientSslContext(), hub.hostName(), true);
        client.open(hub.hostName());
        return client;
    }

    private static Target target(String address) {
        Target target = new Target();
        target.setAddress(address);
        return target;
    }

    private static Transfer transfer(int handle, int deliveryId, boolean more) {
        Transfer transfer = new Transfer();
        transfer.setHandle(UnsignedInteger.valueOf(handle));
        transfer.setDeliveryId(UnsignedInteger.valueOf(deliveryId));
        transfer.setDeliveryTag(new Binary(new byte[] {(byte) deliveryId}));
        transfer.setMessageFormat(UnsignedInteger.ZERO);
        transfer.setMore(more);
        return transfer;
    }

    private static Message telemetry() {
        Message message = Proton.message();
        message.setBody(new Data(new Binary(new byte[] {1})));
        return message;
    }

    private static Message twinGet() {
        return twinRequest("GET", null);
    }

    private static Message twinRequest(String operation, String resource) {
        Message request = Proton.message();
        Properties properties = new Properties();
        properties.setCorrelationId(UUID.randomUUID());
        request.setProperties(properties);
        Map<Symbol, Object> annotations = new HashMap<>(Map.of(Symbol.valueOf("operation"), operation));
        if (resource != null) {
            annotations.put(Symbol.valueOf("resource"), resource);
        }
        request.setMessageAnnotations(new MessageAnnotations(annotations));
        request.setBody(new Data(new Binary(new byte[0])));
        return request;
    }

    private static byte[] encode(Message message) {
        byte[] buffer = new byte[1024];
        return Arrays.copyOf(buffer, message.encode(buffer, 0, buffer.length));
    }

    private static RegistryClient registry() {
        return new RegistryClient(hub.serviceConnectionString());
    }
}
