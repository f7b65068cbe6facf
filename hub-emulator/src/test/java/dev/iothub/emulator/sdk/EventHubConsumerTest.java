package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.amqp.AmqpTransportType;
import com.azure.core.amqp.exception.AmqpErrorCondition;
import com.azure.core.amqp.exception.AmqpException;
import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.EventHubProperties;
import com.azure.messaging.eventhubs.PartitionProperties;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.testing.EmulatorLog;
import dev.iothub.emulator.testing.HubUnderTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official Event Hubs client for Java, {@code EventHubConsumerClient}, reads what devices and modules sent from
 * the hub's built-in endpoint, with its connection string: the entity's and the partitions' properties, and the
 * events of a partition from each starting position the client offers, with their properties exact. Against a real
 * hub too (the parity switch): it finds each sent message with the client itself ({@link SentEvents}).
 */
class EventHubConsumerTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.70");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void readsTheEntityAndItsPartitions() throws Exception {
        try (EventHubConsumerClient consumer = consumer(hub.eventHubConnectionString())) {
            EventHubProperties entity = consumer.getEventHubProperties();
            assertEquals(entity(hub.eventHubConnectionString()), entity.getName());
            List<String> ids = toList(consumer.getPartitionIds());
            assertEquals(IntStream.range(0, ids.size()).mapToObj(Integer::toString).toList(), ids);

            PartitionEvent sent = send(hub.deviceId("properties"), IotHubClientProtocol.AMQPS, false, "one").get(0);
            String id = sent.getPartitionContext().getPartitionId();
            PartitionProperties partition = consumer.getPartitionProperties(id);
            // the message, or what came after it: a hub routing connection states has the device's disconnection
            EventData last = read(consumer, id, EventPosition.fromSequenceNumber(
                    partition.getLastEnqueuedSequenceNumber(), true), 1).get(0);
            assertTrue(last.getSequenceNumber() >= sent.getData().getSequenceNumber());
            assertEquals(last.getSequenceNumber(), partition.getLastEnqueuedSequenceNumber());
            assertEquals(last.getOffsetString(), partition.getLastEnqueuedOffset());
            assertEquals(last.getEnqueuedTime(), partition.getLastEnqueuedTime());
            assertFalse(partition.isEmpty());
        }
    }

    @ParameterizedTest(name = "module={1} over {0}")
    @MethodSource("dev.iothub.emulator.sdk.RegisteredIdentity#everyClient")
    void readsWhatADeviceAndAModuleSentWithTheirPropertiesExact(IotHubClientProtocol protocol, boolean module)
            throws Exception {
        String deviceId = hub.deviceId("exact-" + protocol + (module ? "-module" : ""));
        List<PartitionEvent> sent = send(deviceId, protocol, module, "first", "second");

        assertEquals(List.of("first", "second"), sent.stream().map(event -> event.getData().getBodyAsString())
                .toList());
        assertEquals(sent.get(0).getData().getSequenceNumber() + 1, sent.get(1).getData().getSequenceNumber(),
                "in order, on one partition");
        EventData first = sent.get(0).getData();
        assertEquals("mid-first", first.getMessageId());
        assertEquals("cid-first", first.getCorrelationId());
        assertEquals("text/plain", first.getContentType());
        assertEquals(Map.of("kind", "first", "städte", "Zürich"), first.getProperties());
        Map<String, Object> system = first.getSystemProperties();
        assertEquals(deviceId, system.get("iothub-connection-device-id"));
        assertEquals(module ? RegisteredIdentity.MODULE_ID : null, system.get("iothub-connection-module-id"));
        assertEquals("Telemetry", system.get("iothub-message-source"));
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        assertEquals(module ? registry.getModule(deviceId, RegisteredIdentity.MODULE_ID).getGenerationId()
                : registry.getDevice(deviceId).getGenerationId(), system.get("iothub-connection-auth-generation-id"));
        assertEquals("utf-8", system.get("content-encoding"));
    }

    @Test
    void startsWhereTheClientAsks() throws Exception {
        List<PartitionEvent> sent = send(hub.deviceId("positions"), IotHubClientProtocol.MQTT, false, "a", "b", "c");
        EventData a = sent.get(0).getData();
        String partition = sent.get(0).getPartitionContext().getPartitionId();
        try (EventHubConsumerClient consumer = consumer(hub.eventHubConnectionString())) {
            assertEquals(List.of("b", "c"), bodies(read(consumer, partition,
                    EventPosition.fromSequenceNumber(a.getSequenceNumber()), 2)));
            assertEquals(List.of("b", "c"), bodies(read(consumer, partition,
                    EventPosition.fromSequenceNumber(a.getSequenceNumber() + 1, true), 2)));
            assertEquals(List.of("b", "c"), bodies(read(consumer, partition,
                    EventPosition.fromOffsetString(a.getOffsetString()), 2)));
            assertEquals(List.of("a", "b", "c"), bodies(read(consumer, partition,
                    EventPosition.fromEnqueuedTime(a.getEnqueuedTime().minusMillis(1)), 3)));
            List<String> earliest = bodies(read(consumer, partition, EventPosition.earliest(),
                    (int) (a.getSequenceNumber() - consumer.getPartitionProperties(partition)
                            .getBeginningSequenceNumber()) + 3));
            assertEquals(List.of("a", "b", "c"), earliest.subList(earliest.size() - 3, earliest.size()));
        }
    }

    @Test
    void fromTheLatestReadsOnlyWhatComesAfterTheReceiverAttached() throws Exception {
        hub.assumeEmulator("awaits the receiver's attach in the emulator's log");
        String deviceId = hub.deviceId("latest");
        PartitionEvent before = send(deviceId, IotHubClientProtocol.AMQPS, false, "before").get(0);
        String partition = before.getPartitionContext().getPartitionId();
        try (EmulatorLog log = EmulatorLog.capture(); // before the consumer, whose receiver's attach it awaits
             EventHubConsumerClient consumer = consumer(hub.eventHubConnectionString())) {
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() ->
                    bodies(read(consumer, partition, EventPosition.latest(), 1)));
            log.await("attached a receiver to hub-emulator/ConsumerGroups/$Default/Partitions/" + partition);

            send(deviceId, IotHubClientProtocol.AMQPS, false, "after");

            assertEquals(List.of("after"), read.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** Over a WebSocket, the client asks for /$servicebus/websocket on 443. */
    @Test
    void readsOverAWebSocket() throws Exception {
        PartitionEvent sent = send(hub.deviceId("websocket-reader"), IotHubClientProtocol.MQTT, false,
                "over a WebSocket").get(0);
        try (EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(hub.eventHubConnectionString()).transportType(AmqpTransportType.AMQP_WEB_SOCKETS)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            assertEquals(List.of("over a WebSocket"), bodies(read(consumer,
                    sent.getPartitionContext().getPartitionId(),
                    EventPosition.fromSequenceNumber(sent.getData().getSequenceNumber(), true), 1)));
        }
    }

    @Test
    void aWrongKeyOrAPolicyWithoutServiceConnectIsRefused() throws Exception {
        String connectionString = hub.eventHubConnectionString();
        String wrongKey = connectionString.replaceAll("SharedAccessKey=[^;]+",
                "SharedAccessKey=" + Base64.getEncoder().encodeToString(new byte[32]));
        try (EventHubConsumerClient consumer = consumer(wrongKey)) {
            AmqpException refused = assertThrows(AmqpException.class, consumer::getEventHubProperties);
            assertEquals(AmqpErrorCondition.UNAUTHORIZED_ACCESS, refused.getErrorCondition());
        }
        String registryRead = connectionString
                .replaceAll("SharedAccessKeyName=[^;]+", "SharedAccessKeyName=registryRead")
                .replaceAll("SharedAccessKey=[^;]+", "SharedAccessKey=" + key(hub.connectionString("registryRead")));
        try (EventHubConsumerClient consumer = consumer(registryRead)) {
            AmqpException refused = assertThrows(AmqpException.class, consumer::getEventHubProperties);
            assertEquals(AmqpErrorCondition.UNAUTHORIZED_ACCESS, refused.getErrorCondition());
        }
    }

    private static EventHubConsumerClient consumer(String connectionString) {
        return new EventHubClientBuilder().connectionString(connectionString)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient();
    }

    /** Up to {@code count} events of {@code partition}, from {@code position}. */
    private static List<EventData> read(EventHubConsumerClient consumer, String partition, EventPosition position,
                                        int count) {
        List<EventData> read = new ArrayList<>();
        for (PartitionEvent event : consumer.receiveFromPartition(partition, count, position, WAIT)) {
            read.add(event.getData());
        }
        return read;
    }

    private static List<String> bodies(List<EventData> events) {
        return events.stream().map(EventData::getBodyAsString).toList();
    }

    /**
     * Sends each body as a message of the device {@code deviceId} (or of its module "m"), made first if missing, and
     * answers them as the hub's endpoint has them.
     */
    private static List<PartitionEvent> send(String deviceId, IotHubClientProtocol protocol, boolean module,
                                             String... bodies) throws Exception {
        Instant since = Instant.now();
        RegisteredIdentity identity = RegisteredIdentity.find(hub, deviceId, module);
        InternalClient client = identity.client(protocol, ClientOptions.builder()
                .sslContext(hub.clientSslContext()).build());
        client.open(false);
        try {
            for (String body : bodies) {
                Message message = new Message(body.getBytes(StandardCharsets.UTF_8));
                message.setMessageId("mid-" + body);
                message.setCorrelationId("cid-" + body);
                message.setContentType("text/plain");
                message.setContentEncoding("utf-8");
                message.setProperty("kind", body);
                message.setProperty("städte", "Zürich");
                client.sendEvent(message, 10_000);
            }
        } finally {
            client.close();
        }
        return SentEvents.await(hub.eventHubConnectionString(), deviceId, since,
                Arrays.stream(bodies).map(body -> "mid-" + body).toList());
    }

    private static String entity(String connectionString) {
        return connectionString.replaceAll(".*EntityPath=([^;]+).*", "$1");
    }

    private static String key(String connectionString) {
        return connectionString.replaceAll(".*SharedAccessKey=([^;]+).*", "$1");
    }

    private static <T> List<T> toList(Iterable<T> items) {
        List<T> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }
}
