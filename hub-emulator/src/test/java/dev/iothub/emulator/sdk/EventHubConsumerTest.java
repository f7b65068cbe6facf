package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.EmulatorLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The official Event Hubs client for Java, {@code EventHubConsumerClient}, reads what devices and modules sent from
 * the hub's built-in endpoint, with its connection string: the entity's and the partitions' properties, and the
 * events of a partition from each starting position the client offers, with their properties exact.
 */
class EventHubConsumerTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension(HubEmulator.builder()
            .address("127.0.0.70").consumerGroups("backend"));
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static SSLContext previousDefault;

    /** The Event Hubs client takes the JVM's default SSLContext: it must trust the emulator's CA. */
    @BeforeAll
    static void trustTheEmulator() throws Exception {
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(emulator.hub().clientSslContext());
    }

    @AfterAll
    static void restoreTrust() {
        SSLContext.setDefault(previousDefault);
    }

    @Test
    void readsTheEntityAndItsPartitions() throws Exception {
        try (EventHubConsumerClient consumer = consumer(hub().eventHubConnectionString())) {
            EventHubProperties entity = consumer.getEventHubProperties();
            assertEquals("hub-emulator", entity.getName());
            assertEquals(List.of("0", "1", "2", "3"), toList(consumer.getPartitionIds()));

            TelemetryMessage sent = send("properties-device", IotHubClientProtocol.AMQPS, false, "one").get(0);
            PartitionProperties partition = consumer.getPartitionProperties(Integer.toString(sent.partition()));
            assertEquals(sent.sequenceNumber(), partition.getLastEnqueuedSequenceNumber());
            assertEquals(Long.toString(sent.sequenceNumber()), partition.getLastEnqueuedOffset());
            assertEquals(sent.enqueuedTime().toEpochMilli(), partition.getLastEnqueuedTime().toEpochMilli());
            assertFalse(partition.isEmpty());
        }
    }

    @Test
    void readsWhatADeviceAndAModuleSentWithTheirPropertiesExact() throws Exception {
        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS_WS)) {
            for (boolean module : new boolean[] {false, true}) {
                String deviceId = "exact-" + protocol + (module ? "-module" : "");
                List<TelemetryMessage> sent = send(deviceId, protocol, module, "first", "second");
                try (EventHubConsumerClient consumer = consumer(hub().eventHubConnectionString())) {
                    List<EventData> read = read(consumer, sent.get(0), EventPosition.fromSequenceNumber(
                            sent.get(0).sequenceNumber(), true), 2);

                    assertEquals(List.of("first", "second"), read.stream().map(EventData::getBodyAsString).toList());
                    EventData first = read.get(0);
                    assertEquals("mid-first", first.getMessageId());
                    assertEquals("cid-first", first.getCorrelationId());
                    assertEquals("text/plain", first.getContentType());
                    assertEquals(Map.of("kind", "first", "städte", "Zürich"), first.getProperties());
                    assertEquals(sent.get(0).sequenceNumber(), first.getSequenceNumber());
                    assertEquals(sent.get(0).enqueuedTime().toEpochMilli(), first.getEnqueuedTime().toEpochMilli());
                    Map<String, Object> system = first.getSystemProperties();
                    assertEquals(deviceId, system.get("iothub-connection-device-id"));
                    assertEquals(module ? "m" : null, system.get("iothub-connection-module-id"));
                    assertEquals("Telemetry", system.get("iothub-message-source"));
                    assertEquals(sent.get(0).systemProperties().get("iothub-connection-auth-generation-id"),
                            system.get("iothub-connection-auth-generation-id"));
                    assertEquals("utf-8", system.get("content-encoding"));
                }
            }
        }
    }

    @Test
    void startsWhereTheClientAsks() throws Exception {
        List<TelemetryMessage> sent = send("positions", IotHubClientProtocol.MQTT, false, "a", "b", "c");
        TelemetryMessage a = sent.get(0);
        try (EventHubConsumerClient consumer = consumer(hub().eventHubConnectionString())) {
            assertEquals(List.of("b", "c"), bodies(read(consumer, a, EventPosition.fromSequenceNumber(
                    a.sequenceNumber()), 2)));
            assertEquals(List.of("b", "c"), bodies(read(consumer, a, EventPosition.fromSequenceNumber(
                    a.sequenceNumber() + 1, true), 2)));
            assertEquals(List.of("c"), bodies(read(consumer, a, EventPosition.fromOffset(
                    a.sequenceNumber() + 1), 1)));
            assertEquals(List.of("a", "b", "c"), bodies(read(consumer, a, EventPosition.fromEnqueuedTime(
                    a.enqueuedTime().minusMillis(1)), 3)));
            List<String> earliest = bodies(read(consumer, a, EventPosition.earliest(), (int) a.sequenceNumber() + 3));
            assertEquals(List.of("a", "b", "c"), earliest.subList(earliest.size() - 3, earliest.size()));
        }
    }

    @Test
    void fromTheLatestReadsOnlyWhatComesAfterTheReceiverAttached() throws Exception {
        TelemetryMessage before = send("latest", IotHubClientProtocol.AMQPS, false, "before").get(0);
        try (EmulatorLog log = EmulatorLog.capture();
             EventHubConsumerClient consumer = consumer(hub().eventHubConnectionString())) {
            CompletableFuture<List<String>> read = CompletableFuture.supplyAsync(() ->
                    bodies(read(consumer, before, EventPosition.latest(), 1)));
            log.await("attached a receiver to hub-emulator/ConsumerGroups/$Default/Partitions/" + before.partition());

            send("latest", IotHubClientProtocol.AMQPS, false, "after");

            assertEquals(List.of("after"), read.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** Over a WebSocket, the client asks for /$servicebus/websocket on 443. */
    @Test
    void readsOverAWebSocket() throws Exception {
        TelemetryMessage sent = send("websocket-reader", IotHubClientProtocol.MQTT, false, "over a WebSocket").get(0);
        try (EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(hub().eventHubConnectionString()).transportType(AmqpTransportType.AMQP_WEB_SOCKETS)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient()) {
            assertEquals(List.of("over a WebSocket"), bodies(read(consumer, sent, EventPosition.fromSequenceNumber(
                    sent.sequenceNumber(), true), 1)));
        }
    }

    /** A consumer group made besides $Default, named without regard to case, has its own readers. */
    @Test
    void readsThroughAConsumerGroupOfItsOwn() throws Exception {
        TelemetryMessage sent = send("grouped", IotHubClientProtocol.AMQPS, false, "to every group").get(0);
        try (EventHubConsumerClient consumer = new EventHubClientBuilder()
                .connectionString(hub().eventHubConnectionString()).consumerGroup("Backend").buildConsumerClient()) {
            assertEquals(List.of("to every group"), bodies(read(consumer, sent,
                    EventPosition.fromSequenceNumber(sent.sequenceNumber(), true), 1)));
        }
    }

    @Test
    void aWrongKeyOrAPolicyWithoutServiceConnectIsRefused() throws Exception {
        String connectionString = hub().eventHubConnectionString();
        String wrongKey = connectionString.replaceAll("SharedAccessKey=[^;]+",
                "SharedAccessKey=" + Base64.getEncoder().encodeToString(new byte[32]));
        try (EventHubConsumerClient consumer = consumer(wrongKey)) {
            AmqpException refused = assertThrows(AmqpException.class, consumer::getEventHubProperties);
            assertEquals(AmqpErrorCondition.UNAUTHORIZED_ACCESS, refused.getErrorCondition());
        }
        String registryRead = connectionString
                .replaceAll("SharedAccessKeyName=[^;]+", "SharedAccessKeyName=registryRead")
                .replaceAll("SharedAccessKey=[^;]+;", "SharedAccessKey=" + key(hub().connectionString("registryRead"))
                        + ";");
        try (EventHubConsumerClient consumer = consumer(registryRead)) {
            AmqpException refused = assertThrows(AmqpException.class, consumer::getEventHubProperties);
            assertEquals(AmqpErrorCondition.UNAUTHORIZED_ACCESS, refused.getErrorCondition());
        }
    }

    private static HubEmulator hub() {
        return emulator.hub();
    }

    private static EventHubConsumerClient consumer(String connectionString) {
        return new EventHubClientBuilder().connectionString(connectionString)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildConsumerClient();
    }

    /** Up to {@code count} events of the partition {@code sent} went to, from {@code position}. */
    private static List<EventData> read(EventHubConsumerClient consumer, TelemetryMessage sent, EventPosition position,
                                        int count) {
        List<EventData> read = new ArrayList<>();
        for (PartitionEvent event : consumer.receiveFromPartition(Integer.toString(sent.partition()), count, position,
                WAIT)) {
            read.add(event.getData());
        }
        return read;
    }

    private static List<String> bodies(List<EventData> events) {
        return events.stream().map(EventData::getBodyAsString).toList();
    }

    /** Sends each body as a message of the device (or its module "m"), and answers what the hub kept of them. */
    private static List<TelemetryMessage> send(String deviceId, IotHubClientProtocol protocol, boolean module,
                                               String... bodies) throws Exception {
        String connectionString = module ? hub().moduleConnectionString(deviceId, "m")
                : hub().deviceConnectionString(deviceId);
        InternalClient client = module
                ? new ModuleClient(connectionString, protocol, options())
                : new DeviceClient(connectionString, protocol, options());
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
        List<TelemetryMessage> kept = hub().receivedTelemetry().stream()
                .filter(message -> message.deviceId().equals(deviceId)).toList();
        return kept.subList(kept.size() - bodies.length, kept.size());
    }

    private static ClientOptions options() {
        return ClientOptions.builder().sslContext(hub().clientSslContext()).build();
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
