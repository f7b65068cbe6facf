package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.EventHubTokens;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Owner levels (Event Hubs' epochs, link property {@code com.microsoft:epoch}) on a partition: a receiver with a
 * level takes the partition from those with a lower or equal one and from those with none, which are detached with
 * {@code amqp:link:stolen}; a lower level, or none, is refused while an owner has it; receivers without levels share;
 * each consumer group's partitions have owners of their own.
 */
class EventHubOwnerLevelTest {
    private static HubEmulator hub;

    @BeforeAll
    static void start() throws Exception {
        hub = HubEmulator.builder().address("127.0.0.77").consumerGroups("backend").start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void aHigherOrEqualOwnerLevelTakesThePartitionAndALowerOneIsRefused() throws Exception {
        try (RawAmqpClient client = connected()) {
            Session session = client.session();
            Receiver plain = receiver(client, session, "0", null);
            Receiver alsoPlain = receiver(client, session, "0", null);
            assertAttached(plain);
            assertAttached(alsoPlain);

            Receiver levelOne = receiver(client, session, "0", 1L);
            assertAttached(levelOne);
            assertDetached(client, plain, "amqp:link:stolen");
            assertDetached(client, alsoPlain, "amqp:link:stolen");

            assertDetached(client, receiver(client, session, "0", 0L), "amqp:link:stolen");
            assertDetached(client, receiver(client, session, "0", null), "amqp:link:stolen");
            assertAttached(receiver(client, session, "1", 0L)); // another partition is another's

            Receiver alsoLevelOne = receiver(client, session, "0", 1L);
            assertAttached(alsoLevelOne);
            assertDetached(client, levelOne, "amqp:link:stolen");
        }
    }

    @Test
    void eachConsumerGroupHasItsOwnOwners() throws Exception {
        try (RawAmqpClient client = connected()) {
            Session session = client.session();
            Receiver owner = receiver(client, session, "$Default", "3", 7L);
            assertAttached(owner);

            assertAttached(receiver(client, session, "Backend", "3", null));
            assertAttached(owner);
        }
    }

    @Test
    void aPartitionWhoseOwnerLeftIsFreeAgain() throws Exception {
        try (RawAmqpClient client = connected()) {
            Session session = client.session();
            Receiver owner = receiver(client, session, "2", 5L);
            assertAttached(owner);
            owner.close();
            client.await("the hub's Detach", () -> owner.getRemoteState() == EndpointState.CLOSED);

            assertAttached(receiver(client, session, "2", null));
        }
    }

    private static RawAmqpClient connected() throws Exception {
        RawAmqpClient client = new RawAmqpClient(hub.clientSslContext(), hub.hostName(), true);
        client.open(hub.hostName());
        String connectionString = hub.eventHubConnectionString();
        String key = connectionString.replaceAll(".*SharedAccessKey=([^;]+).*", "$1");
        String audience = "amqp://" + hub.hostName() + "/hub-emulator";
        assertStatus(200, PutToken.exchange(client, client.session(), PutToken.request(UUID.randomUUID(),
                "put-token", audience, EventHubTokens.sign(audience, "iothubowner", key, 600))));
        return client;
    }

    private static Receiver receiver(RawAmqpClient client, Session session, String partition, Long ownerLevel) {
        return receiver(client, session, "$Default", partition, ownerLevel);
    }

    private static Receiver receiver(RawAmqpClient client, Session session, String consumerGroup, String partition,
                                     Long ownerLevel) {
        Receiver receiver = session.receiver("receiver-" + System.nanoTime());
        Source source = new Source();
        source.setAddress("hub-emulator/ConsumerGroups/" + consumerGroup + "/Partitions/" + partition);
        receiver.setSource(source);
        receiver.setTarget(new Target());
        if (ownerLevel != null) {
            receiver.setProperties(Map.of(Symbol.valueOf("com.microsoft:epoch"), ownerLevel));
        }
        return client.attached(receiver, 10);
    }

    private static void assertAttached(Receiver receiver) {
        assertEquals(EndpointState.ACTIVE, receiver.getRemoteState(), receiver.getName());
    }

    private static void assertDetached(RawAmqpClient client, Receiver receiver, String condition) {
        client.await("the hub's Detach of " + receiver.getName(),
                () -> receiver.getRemoteState() == EndpointState.CLOSED);
        assertEquals(condition, receiver.getRemoteCondition().getCondition().toString());
    }
}
