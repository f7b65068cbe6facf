package dev.iothub.emulator.internal.amqp;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.PutToken;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import java.util.UUID;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedShort;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.transport.Begin;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad AMQP input gets the hub's answer (a refused link, a put-token status, a Close with the condition),
 * never a crash, and the emulator goes on serving: after each test a registry call and a fresh put-token
 * still succeed.
 */
class AmqpBadInputTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.14");

    private String deviceId;
    private String key;

    @BeforeEach
    void createDevice(TestInfo test) throws Exception {
        deviceId = "bad-" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
        key = registry().addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
    }

    @AfterEach
    void theEmulatorStillServes() throws Exception {
        String id = "alive-" + System.nanoTime();
        String aliveKey = registry().addDevice(new Device(id, AuthenticationType.SAS)).getPrimaryKey();
        assertEquals(id, registry().getDevice(id).getDeviceId());
        try (RawAmqpClient client = javaStyle()) {
            assertStatus(200, putToken(client, client.session(), token(id, aliveKey)));
        }
    }

    @Test
    void garbageAfterTheProtocolHeaderClosesTheConnectionWithAFramingError() throws Exception {
        try (RawAmqpClient client = nodeStyle()) {
            byte[] garbage = new byte[4096];
            new Random(14).nextBytes(garbage);
            garbage[0] = 0x7F; // the first frame says it is 2 GB long: not a frame the hub takes

            client.writeRaw(garbage);

            assertClosedWith(client, "amqp:connection:framing-error");
        }
    }

    /**
     * During SASL there is no AMQP connection to close: what cannot be a SASL frame ends the connection at once,
     * not when the 30 s a frame may take from its first byte have passed.
     */
    @ParameterizedTest
    @ValueSource(strings = {"garbage", "a frame header of 4 GiB", "a frame header of 2 GiB"})
    void whatCannotBeASaslFrameEndsTheConnectionAtOnce(String what) throws Exception {
        byte[] bytes = new byte[64];
        switch (what) {
            case "garbage" -> new Random(16).nextBytes(bytes);
            case "a frame header of 4 GiB" -> ByteBuffer.wrap(bytes).putInt(-1).put((byte) 2).put((byte) 1);
            default -> ByteBuffer.wrap(bytes).putInt(Integer.MAX_VALUE).put((byte) 2).put((byte) 1);
        }
        try (SSLSocket socket = (SSLSocket) emulator.hub().clientSslContext().getSocketFactory()
                .createSocket(host(), RawAmqpClient.PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 3, 1, 0, 0}); // SASL's protocol header
            socket.getOutputStream().write(bytes);

            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // the hub's SASL header and mechanisms, then the end
            }
        }
    }

    @Test
    void aSessionOnAChannelBeyondTheChannelMaxClosesTheConnectionWithAFramingError() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            assertEquals(8191, client.transport().getRemoteChannelMax());

            client.writeRaw(RawAmqpClient.frame(8192, begin(null)));

            assertClosedWith(client, "amqp:connection:framing-error");
        }
    }

    @Test
    void aFrameBodyThatDoesNotDecodeClosesTheConnectionWithADecodeError() throws Exception {
        try (RawAmqpClient client = nodeStyle()) {
            // a 12-byte frame whose body starts with format code 0xFF, which AMQP does not define
            client.writeRaw(new byte[] {0, 0, 0, 12, 2, 0, 0, 0, (byte) 0xFF, 1, 2, 3});

            assertClosedWith(client, "amqp:decode-error");
        }
    }

    @Test
    void aBeginBeforeOpenClosesTheConnection() throws Exception {
        try (RawAmqpClient client = nodeStyle()) {
            client.writeRaw(RawAmqpClient.frame(0, begin(null)));

            assertClosedWith(client, "amqp:illegal-state");
        }
    }

    /** Proton-J throws on such a Begin without closing; the hub must still answer with a Close. */
    @Test
    void aBeginAnsweringAChannelTheHubNeverBeganClosesTheConnection() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            client.writeRaw(RawAmqpClient.frame(0, begin(UnsignedShort.valueOf((short) 7))));

            assertClosedWith(client, "amqp:illegal-state");
        }
    }

    @Test
    void aLinkBeforeAnyPutTokenIsRefusedAsUnauthorized() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();

            Sender twin = client.sender(session, "/devices/" + deviceId + "/twin", SenderSettleMode.UNSETTLED);

            assertRefused(client, twin, "amqp:unauthorized-access", 401002);
            assertStatus(200, putToken(client, session, token(deviceId, key)));
            Sender again = client.sender(session, "/devices/" + deviceId + "/twin", SenderSettleMode.UNSETTLED);
            assertEquals(EndpointState.ACTIVE, again.getRemoteState(), "after the put-token the same link is taken");
        }
    }

    @Test
    void aLinkToAnotherIdentitysTwinIsRefusedAsUnauthorized() throws Exception {
        String otherId = deviceId + "-other";
        registry().addDevice(new Device(otherId, AuthenticationType.SAS));
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();
            assertStatus(200, putToken(client, session, token(deviceId, key)));

            Receiver own = client.receiver(session, "/devices/" + deviceId + "/twin", SenderSettleMode.UNSETTLED);
            Receiver others = client.receiver(session, "/devices/" + otherId + "/twin", SenderSettleMode.UNSETTLED);

            assertEquals(EndpointState.ACTIVE, own.getRemoteState());
            assertRefused(client, others, "amqp:unauthorized-access", 401002);
            assertEquals(EndpointState.ACTIVE, own.getRemoteState(), "the refusal leaves the other links alone");
        }
    }

    @Test
    void aLinkToAnAddressTheHubDoesNotKnowIsRefusedAsNotFound() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();
            assertStatus(200, putToken(client, session, token(deviceId, key)));

            for (String address : new String[] {"/devices/" + deviceId + "/nosuchendpoint", "/queues/q1", "", "%zz"}) {
                Sender sender = client.sender(session, address, SenderSettleMode.UNSETTLED);
                client.await("the hub's Detach of " + address, () -> sender.getRemoteState() == EndpointState.CLOSED);
                assertEquals("amqp:not-found", sender.getRemoteCondition().getCondition().toString(), address);
            }
        }
    }

    @Test
    void aFrameLargerThanTheAdvertisedMaximumClosesTheConnectionWithAFramingError() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            assertEquals(65536, client.transport().getRemoteMaxFrameSize());
            ByteBuffer header = ByteBuffer.allocate(64).putInt(65537).put((byte) 2).put((byte) 0).putShort((short) 0);

            client.writeRaw(header.array());

            assertClosedWith(client, "amqp:connection:framing-error");
        }
    }

    /**
     * The hub's links take messages of up to 1 MiB, their max-message-size; a larger one, whether it crosses the
     * limit in its last frame or before, detaches the link.
     */
    @ParameterizedTest
    @ValueSource(ints = {1024 * 1024 + 1, 2 * 1024 * 1024})
    void aMessageLargerThanTheLinksMaximumDetachesTheLinkWithMessageSizeExceeded(int size) throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();
            assertStatus(200, putToken(client, session, token(deviceId, key)));
            Sender events = client.sender(session, "/devices/" + deviceId + "/messages/events", SenderSettleMode.UNSETTLED);

            Delivery fits = client.send(events, telemetry(256 * 1024)); // in frames of 64 KiB
            client.await("the disposition of 256 KiB", () -> fits.getRemoteState() != null);
            assertInstanceOf(Accepted.class, fits.getRemoteState());

            Delivery tooLarge = client.send(events, new byte[size], 0);
            client.await("the hub's Detach", () -> events.getRemoteState() == EndpointState.CLOSED);

            assertEquals("amqp:link:message-size-exceeded", events.getRemoteCondition().getCondition().toString());
            assertStatus(200, putToken(client, session, token(deviceId, key))); // the session goes on
            assertNull(tooLarge.getRemoteState(), "the hub did not take the message");
        }
    }

    /** IoT Hub takes messages of up to 256 KB: a larger one, within the link's maximum, is rejected. */
    @Test
    void aMessageLargerThanTheHubTakesIsRejectedAndTheLinkGoesOn() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();
            assertStatus(200, putToken(client, session, token(deviceId, key)));
            Sender events = client.sender(session, "/devices/" + deviceId + "/messages/events", SenderSettleMode.UNSETTLED);

            Delivery tooLarge = client.send(events, telemetry(256 * 1024 + 20 * 1024));
            client.await("the disposition of 276 KiB", () -> tooLarge.getRemoteState() != null);

            Rejected rejected = assertInstanceOf(Rejected.class, tooLarge.getRemoteState());
            assertEquals("amqp:link:message-size-exceeded", rejected.getError().getCondition().toString());
            Delivery next = client.send(events, telemetry(1024));
            client.await("the disposition of the next message", () -> next.getRemoteState() != null);
            assertInstanceOf(Accepted.class, next.getRemoteState());
        }
    }

    /**
     * A service SDK's put-token (a policy's token for the hub, as MessagingClient sends before cloud-to-device
     * messages) is the hub's to accept; a service link to what is not emulated (file upload notifications) is
     * refused where it is used, saying so.
     */
    @Test
    void aServicePolicysPutTokenIsAcceptedAndTheServiceLinksSayWhatIsNotEmulated() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Session session = client.session();
            Sender before = client.sender(session, "/messages/devicebound", SenderSettleMode.UNSETTLED);
            assertRefused(client, before, "amqp:unauthorized-access", 401002);

            Sender cbs = client.sender(session, "$cbs", SenderSettleMode.UNSETTLED);
            Receiver answers = client.receiver(session, "$cbs", SenderSettleMode.UNSETTLED);
            assertStatus(401,
                    PutToken.exchange(client, cbs, answers, request("put-token", policyToken("registryRead"))));
            assertStatus(200, PutToken.exchange(client, cbs, answers, request("put-token", policyToken("service"))));

            Receiver notifications = client.receiver(session, "/messages/serviceBound/fileNotifications",
                    SenderSettleMode.UNSETTLED);
            client.await("the hub's Detach", () -> notifications.getRemoteState() == EndpointState.CLOSED);
            assertEquals("amqp:not-implemented", notifications.getRemoteCondition().getCondition().toString());
            assertEquals("File upload notifications are not emulated by hub-emulator.",
                    notifications.getRemoteCondition().getDescription());
        }
    }

    private static String policyToken(String policy) {
        String policyKey = ExternalHub.valueOf(emulator.hub().connectionString(policy), "SharedAccessKey");
        return SharedAccessSignature.sign(host(), policyKey, policy, Instant.now().plusSeconds(3600));
    }

    @Test
    void aPutTokenForAnotherHubIs401() throws Exception {
        String otherHub = "otherhub.azure-devices.net/devices/" + deviceId;

        assertStatus(401, putToken(SharedAccessSignature.sign(otherHub, key, null, Instant.now().plusSeconds(3600))));
    }

    @Test
    void aPutTokenThatIsNotAStringIs400() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            Message request = request("put-token", token(deviceId, key));
            request.setBody(new Data(new Binary(token(deviceId, key).getBytes(StandardCharsets.UTF_8))));

            assertStatus(400, PutToken.exchange(client, client.session(), request));
        }
    }

    @Test
    void aCbsOperationOtherThanPutTokenIs400() throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            assertStatus(400, PutToken.exchange(client, client.session(), request("delete-token", token(deviceId, key))));
        }
    }

    @Test
    void anExpiredTokenIs401() throws Exception {
        String expired = SharedAccessSignature.sign(host() + "/devices/" + deviceId, key, null,
                Instant.now().minusSeconds(60));

        assertStatus(401, putToken(expired));
    }

    @Test
    void aTokenSignedWithAnotherKeyIs401() throws Exception {
        assertStatus(401, putToken(token(deviceId, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")));
    }

    @Test
    void aPutTokenForAnUnknownDeviceIs404() throws Exception {
        RawAmqpClient.Received response = putToken(token("nosuchdevice", key));

        assertStatus(404, response);
        assertEquals("Device nosuchdevice at IotHub " + host() + " not registered.",
                PutToken.applicationProperty(response, "status-description"));
    }

    private static RawAmqpClient.Received putToken(String token) throws Exception {
        try (RawAmqpClient client = javaStyle()) {
            return putToken(client, client.session(), token);
        }
    }

    /** A put-token as the Java SDK sends it: a uuid message-id, {@code name} the plain {@code sr}. */
    private static RawAmqpClient.Received putToken(RawAmqpClient client, Session session, String token) {
        return PutToken.exchange(client, session, request("put-token", token));
    }

    private static Message request(String operation, String token) {
        String sr = SharedAccessSignature.parse(token).map(SharedAccessSignature::resource).orElse("");
        return PutToken.request(UUID.randomUUID(), operation, sr, token);
    }

    /** Refused as AMQP refuses: an Attach without the hub's terminus, then a Detach with the error. */
    private static void assertRefused(RawAmqpClient client, Link link, String condition, int errorCode) throws Exception {
        client.await("the hub's Detach of " + link.getName(), () -> link.getRemoteState() == EndpointState.CLOSED);
        assertNull(link instanceof Sender ? link.getRemoteTarget() : link.getRemoteSource(), "no terminus of the hub's");
        ErrorCondition error = link.getRemoteCondition();
        assertEquals(condition, error.getCondition().toString());
        JsonNode description = Json.MAPPER.readTree(error.getDescription());
        assertEquals(errorCode, description.path("errorCode").asInt(), error.getDescription());
    }

    /** The hub sent a Close with {@code condition}, then closed the network connection. */
    private static void assertClosedWith(RawAmqpClient client, String condition) {
        client.awaitPeerClosed();
        assertEquals(EndpointState.CLOSED, client.connection().getRemoteState(), "the hub sent Close");
        assertEquals(condition, String.valueOf(client.connection().getRemoteCondition().getCondition()),
                client.connection().getRemoteCondition().getDescription());
    }

    /** A Begin as Node's sends it; {@code remoteChannel} set makes it an answer to a Begin of the hub's. */
    private static Begin begin(UnsignedShort remoteChannel) {
        Begin begin = new Begin();
        begin.setRemoteChannel(remoteChannel);
        begin.setNextOutgoingId(UnsignedInteger.ZERO);
        begin.setIncomingWindow(UnsignedInteger.valueOf(2048));
        begin.setOutgoingWindow(UnsignedInteger.MAX_VALUE);
        return begin;
    }

    private static Message telemetry(int size) {
        Message message = Proton.message();
        message.setBody(new Data(new Binary(new byte[size])));
        return message;
    }

    /** A client as the Java SDK connects: SASL ANONYMOUS, then Open with the hub's host name. */
    private static RawAmqpClient javaStyle() throws Exception {
        RawAmqpClient client = new RawAmqpClient(emulator.hub().clientSslContext(), host(), true);
        client.open(host());
        return client;
    }

    /** A client that has sent the bare AMQP header, as Node does, and nothing more. */
    private static RawAmqpClient nodeStyle() throws Exception {
        RawAmqpClient client = new RawAmqpClient(emulator.hub().clientSslContext(), host(), false);
        client.writeRaw(new byte[0]); // the engine's header goes out
        return client;
    }

    private static String token(String id, String deviceKey) {
        return SharedAccessSignature.sign(host() + "/devices/" + id, deviceKey, null, Instant.now().plusSeconds(3600));
    }

    private static String host() {
        return emulator.hub().hostName();
    }

    private static RegistryClient registry() {
        return new RegistryClient(emulator.hub().serviceConnectionString());
    }
}
