package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.testing.DefaultTrust;
import dev.iothub.emulator.testing.EmulatorLog;
import dev.iothub.emulator.testing.EventHubTokens;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Consumer groups made besides {@code $Default} (given at start, as Azure's management plane makes them), read
 * through by the official Event Hubs client; and owner levels (Event Hubs' epochs, link property
 * {@code com.microsoft:epoch}) on a partition: a receiver with a
 * level takes the partition from those with a lower or equal one and from those with none, which are detached with
 * {@code amqp:link:stolen}; a lower level, or none, is refused while an owner has it; receivers without levels share;
 * each consumer group's partitions have owners of their own.
 */
class EventHubConsumerGroupTest {
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

    /** A consumer group named without regard to case has readers of its own. */
    @Test
    void theClientReadsThroughAConsumerGroupOfItsOwn() throws Exception {
        DefaultTrust trust = DefaultTrust.of(hub);
        DeviceClient device = new DeviceClient(hub.deviceConnectionString("grouped"), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        try (EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(hub.eventHubConnectionString()).consumerGroup("Backend").buildConsumerClient()) {
            device.open(true);
            device.sendEvent(new Message("to every group"), 10_000);
            TelemetryMessage sent = hub.receivedTelemetry().get(hub.receivedTelemetry().size() - 1);
            List<String> read = new ArrayList<>();
            for (PartitionEvent event : consumer.receiveFromPartition(Integer.toString(sent.partition()), 1,
                    EventPosition.fromSequenceNumber(sent.sequenceNumber(), true), Duration.ofSeconds(30))) {
                read.add(event.getData().getBodyAsString());
            }
            assertEquals(List.of("to every group"), read);
        } finally {
            device.close();
            trust.close();
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

    /** An owner whose connection ends without a detach (a process killed, a network gone) holds nothing after. */
    @Test
    void aPartitionWhoseOwnersConnectionEndedIsFreeAgain() throws Exception {
        RawAmqpClient gone = connected();
        assertAttached(receiver(gone, gone.session(), "1", 3L));
        try (EmulatorLog log = EmulatorLog.capture()) {
            gone.close(); // the socket closes, with no detach or close frame
            log.await("closed");
        }

        try (RawAmqpClient client = connected()) {
            assertAttached(receiver(client, client.session(), "1", null));
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
