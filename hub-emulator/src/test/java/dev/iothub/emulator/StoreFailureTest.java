package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.testing.EmulatorLog;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.ForwardingStore;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawMqttClient;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.junit.jupiter.api.Test;

/**
 * A failure inside the emulator while it serves a device (here its store, failing as a class gone missing
 * would) is logged at ERROR with its cause, and the connection ends as the hub ends it on a server error: MQTT
 * closes it, AMQP closes it with amqp:internal-error. Each test has its own emulator and address.
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

    /** The emulator's store in memory, whose reads of identities fail once told to. */
    private static final class FailingStore extends ForwardingStore {
        private volatile boolean failing;

        void fail() {
            failing = true;
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
