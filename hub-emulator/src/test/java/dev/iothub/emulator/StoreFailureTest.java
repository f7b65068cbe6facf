package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.EmulatorLog;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.ForwardingStore;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawMqttClient;
import dev.iothub.emulator.testing.RawRest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/**
 * A failure inside the emulator while it serves a device (here its store, failing as a class gone missing
 * would) is logged at ERROR with its cause, and the connection ends as the hub ends it on a server error: MQTT
 * closes it, AMQP closes it with amqp:internal-error. A store that refuses a write for now (a full disk) refuses
 * only what needed it. Each test has its own emulator and address.
 */
class StoreFailureTest {
    private static final String FAILURE = "org/h2/mvstore/MVMap";

    @Test
    void overMqttTheConnectionIsClosedAndTheFailureLogged() throws Exception {
        FailingStore store = new FailingStore();
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.34").store(store).start()) {
            String key = ExternalHub.valueOf(hub.moduleConnectionString("d", "m"), "SharedAccessKey");
            store.fail();

            String log;
            try (EmulatorLog logged = EmulatorLog.capture();
                 RawMqttClient client = RawMqttClient.connect(hub, "d", "m", key, 60, true)) {
                assertNull(client.connAck(), "closed, no CONNACK");
                log = logged.text();
            }

            assertTrue(log.contains("ERROR dev.iothub.emulator.internal.mqtt.MqttHandler"), log);
            assertTrue(log.contains("java.lang.NoClassDefFoundError: " + FAILURE), "logged with its cause:\n" + log);
        }
    }

    @Test
    void overAmqpTheConnectionIsClosedWithAnInternalErrorAndTheFailureLogged() throws Exception {
        FailingStore store = new FailingStore();
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.35").store(store).start()) {
            String key = ExternalHub.valueOf(hub.moduleConnectionString("d", "m"), "SharedAccessKey");
            store.fail();
            String resource = hub.hostName() + "/devices/d/modules/m";
            String token = SharedAccessSignature.sign(resource, key, null, Instant.now().plusSeconds(600));

            String log;
            try (EmulatorLog logged = EmulatorLog.capture();
                 RawAmqpClient client = new RawAmqpClient(hub.clientSslContext(), hub.hostName(), true)) {
                client.open(hub.hostName());
                client.send(client.sender(client.session(), "$cbs", SenderSettleMode.UNSETTLED),
                        PutToken.request(UUID.randomUUID(), "put-token", resource, token));
                client.awaitPeerClosed();
                Symbol condition = client.connection().getRemoteCondition().getCondition();
                assertEquals(Symbol.valueOf("amqp:internal-error"), condition);
                log = logged.text();
            }

            assertTrue(log.contains("ERROR dev.iothub.emulator.internal.amqp.AmqpHandler"), log);
            assertTrue(log.contains("java.lang.NoClassDefFoundError: " + FAILURE), "logged with its cause:\n" + log);
        }
    }

    /**
     * A cloud-to-device message the store cannot take (MvStoreHubStore's 503 on a full disk) is rejected with
     * amqp:internal-error, which the service SDKs read as the hub's server error; the link goes on, and takes the
     * next once the store does.
     */
    @Test
    void aCloudToDeviceMessageTheStoreCannotTakeIsRejectedAndTheLinkGoesOn() throws Exception {
        FailingStore store = new FailingStore();
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.65").store(store).start()) {
            hub.deviceConnectionString("d");
            try (RawAmqpClient client = serviceClient(hub)) {
                Sender messages = client.sender(client.session(), "/messages/devicebound", SenderSettleMode.UNSETTLED);
                store.failMessages(true);

                Rejected rejected = assertInstanceOf(Rejected.class, disposition(client, messages));
                assertEquals(Symbol.valueOf("amqp:internal-error"), rejected.getError().getCondition());
                store.failMessages(false);
                assertInstanceOf(Accepted.class, disposition(client, messages));
            }
        }
    }

    /**
     * A device's completion the store cannot write for now leaves the message in its queue, delivered again on the
     * same connection, which goes on; the next completion, once the store takes it, ends it.
     */
    @Test
    void aCompletionTheStoreCannotTakeHasTheMessageDeliveredAgain() throws Exception {
        FailingStore store = new FailingStore();
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.65").store(store).start()) {
            String key = ExternalHub.valueOf(hub.deviceConnectionString("d"), "SharedAccessKey");
            try (RawMqttClient device = RawMqttClient.connect(hub, "d", null, key, 60, true);
                 RawAmqpClient service = serviceClient(hub)) {
                device.send(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, "devices/d/messages/devicebound/#").build());
                device.receive(); // the SUBACK
                assertInstanceOf(Accepted.class, disposition(service, service.sender(service.session(),
                        "/messages/devicebound", SenderSettleMode.UNSETTLED)));
                MqttPublishMessage first = (MqttPublishMessage) device.receive();
                store.failMessages(true);
                device.send(MqttMessageBuilders.pubAck().packetId(first.variableHeader().packetId()).build());

                MqttPublishMessage again = (MqttPublishMessage) device.receive();
                assertEquals(first.variableHeader().topicName(), again.variableHeader().topicName());
                store.failMessages(false);
                device.send(MqttMessageBuilders.pubAck().packetId(again.variableHeader().packetId()).build());
                RawRest rest = new RawRest(hub);
                Conditions.await("the message completed", () -> rest.send("GET", "/devices/d" + RawRest.API, null,
                        rest.ownerToken()).body().contains("\"cloudToDeviceMessageCount\":0"));
                first.release();
                again.release();
            }
        }
    }

    /**
     * Telemetry the store cannot take is not acknowledged: over AMQP it is rejected with amqp:internal-error and the
     * link goes on, taking the next once the store does; over MQTT, which has no negative acknowledgement, the hub
     * closes the connection without a PUBACK, and the SDK sends the message again on its next one; over HTTPS it is
     * answered 503, which the SDKs retry.
     */
    @Test
    void telemetryTheStoreCannotTakeIsNotAcknowledged() throws Exception {
        FailingStore store = new FailingStore();
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.65").store(store).start()) {
            String key = ExternalHub.valueOf(hub.deviceConnectionString("d"), "SharedAccessKey");
            String token = SharedAccessSignature.sign(hub.hostName() + "/devices/d", key, null,
                    Instant.now().plusSeconds(600));
            try (RawAmqpClient device = new RawAmqpClient(hub.clientSslContext(), hub.hostName(), true)) {
                device.open(hub.hostName());
                PutToken.assertStatus(200, PutToken.exchange(device, device.session(),
                        PutToken.request(UUID.randomUUID(), "put-token", hub.hostName() + "/devices/d", token)));
                Sender events = device.sender(device.session(), "/devices/d/messages/events",
                        SenderSettleMode.UNSETTLED);
                store.failMessages(true);

                Rejected rejected = assertInstanceOf(Rejected.class, disposition(device, events));
                assertEquals(Symbol.valueOf("amqp:internal-error"), rejected.getError().getCondition());
                store.failMessages(false);
                assertInstanceOf(Accepted.class, disposition(device, events));
                assertEquals(1, hub.receivedTelemetry().size(), "only the message the store took");
            }
            try (RawMqttClient device = RawMqttClient.connect(hub, "d", null, key, 60, true)) {
                store.failMessages(true);
                device.send(MqttMessageBuilders.publish().topicName("devices/d/messages/events/")
                        .qos(MqttQoS.AT_LEAST_ONCE).messageId(1).payload(Unpooled.wrappedBuffer(new byte[] {1}))
                        .build());

                assertNull(device.receive(), "the connection closed, with no PUBACK");
                assertEquals(1, hub.receivedTelemetry().size());
            }
            RawRest rest = new RawRest(hub);
            String events = "/devices/d/messages/events" + RawRest.API;
            RawRest.assertError(rest.send("POST", events, "{}", token), 503, "ServiceUnavailable");
            assertEquals(1, hub.receivedTelemetry().size());
            store.failMessages(false);
            assertEquals(204, rest.send("POST", events, "{}", token).statusCode());
            assertEquals(2, hub.receivedTelemetry().size());
        }
    }

    /**
     * A twin change the store did not take (answered 503) is told to no one: before, it waited in the order of
     * changes to be told, and the next change that was stored told it first, pushing a desired property the twin
     * never kept (and raising its twin change event).
     */
    @Test
    void aTwinChangeTheStoreDidNotTakeIsToldToNoOne() throws Exception {
        FailingStore store = new FailingStore();
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.65").store(store).start()) {
            String key = ExternalHub.valueOf(hub.deviceConnectionString("d"), "SharedAccessKey");
            try (RawMqttClient device = RawMqttClient.connect(hub, "d", null, key, 60, true)) {
                device.send(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_MOST_ONCE, "$iothub/twin/PATCH/properties/desired/#").build());
                device.receive(); // the SUBACK
                RawRest rest = new RawRest(hub);
                String twin = "/twins/d" + RawRest.API;
                store.failCommits(true);
                RawRest.assertError(rest.send("PATCH", twin, "{\"properties\":{\"desired\":{\"lost\":1}}}",
                        rest.ownerToken()), 503, "ServiceUnavailable");
                store.failCommits(false);
                assertEquals(200, rest.send("PATCH", twin, "{\"properties\":{\"desired\":{\"kept\":2}}}",
                        rest.ownerToken()).statusCode());

                MqttPublishMessage pushed = (MqttPublishMessage) device.receive();
                assertEquals("{\"kept\":2,\"$version\":3}", pushed.payload().toString(StandardCharsets.UTF_8));
            }
        }
    }

    /** A service client with the service policy's token put on $cbs. */
    private static RawAmqpClient serviceClient(HubEmulator hub) throws Exception {
        String policyKey = ExternalHub.valueOf(hub.connectionString("service"), "SharedAccessKey");
        String token = SharedAccessSignature.sign(hub.hostName(), policyKey, "service", Instant.now().plusSeconds(600));
        RawAmqpClient client = new RawAmqpClient(hub.clientSslContext(), hub.hostName(), true);
        client.open(hub.hostName());
        PutToken.assertStatus(200, PutToken.exchange(client, client.session(),
                PutToken.request(UUID.randomUUID(), "put-token", hub.hostName(), token)));
        return client;
    }

    private static Object disposition(RawAmqpClient client, Sender sender) {
        Message message = Proton.message();
        Properties properties = new Properties();
        properties.setTo("/devices/d/messages/devicebound");
        message.setProperties(properties);
        message.setBody(new Data(new Binary(new byte[] {1})));
        Delivery delivery = client.send(sender, message);
        client.await("the hub's disposition", () -> delivery.getRemoteState() != null);
        return delivery.getRemoteState();
    }

    /** The emulator's store in memory, whose reads of identities fail once told to. */
    private static final class FailingStore extends ForwardingStore {
        private volatile boolean failing;

        private volatile boolean failingMessages;

        private volatile boolean failingCommits;

        void fail() {
            failing = true;
        }

        /** Queued messages are refused as MvStoreHubStore refuses writes on a full disk, while {@code fail}. */
        void failMessages(boolean fail) {
            failingMessages = fail;
        }

        /** Identities and twins are written, and their commits fail, as a disk failing under a commit would. */
        void failCommits(boolean fail) {
            failingCommits = fail;
        }

        @Override
        public Pending putPending(Identity identity) {
            Pending written = super.putPending(identity);
            if (!failingCommits) {
                return written;
            }
            return () -> {
                throw new HubException(ErrorCode.ServiceUnavailable, "The hub could not store the change.");
            };
        }

        @Override
        public void putMessage(IdentityId id, long sequence, byte[] message) {
            if (failingMessages) {
                throw new HubException(ErrorCode.ServiceUnavailable, "The hub could not store the change.");
            }
            super.putMessage(id, sequence, message);
        }

        @Override
        public Pending appendEvents(int partition, long firstSequence, List<byte[]> events) {
            if (failingMessages) {
                throw new HubException(ErrorCode.ServiceUnavailable, "The hub could not store the change.");
            }
            return super.appendEvents(partition, firstSequence, events);
        }

        @Override
        public void deleteMessage(IdentityId id, long sequence) {
            if (failingMessages) {
                throw new HubException(ErrorCode.ServiceUnavailable, "The hub could not store the change.");
            }
            super.deleteMessage(id, sequence);
        }

        @Override
        public Optional<Identity> find(IdentityId id) {
            if (failing) {
                throw new NoClassDefFoundError(FAILURE);
            }
            return super.find(id);
        }
    }
}
