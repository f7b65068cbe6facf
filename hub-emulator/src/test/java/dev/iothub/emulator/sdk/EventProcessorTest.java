package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.eventhubs.EventProcessorClient;
import com.azure.messaging.eventhubs.EventProcessorClientBuilder;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.DefaultTrust;
import dev.iothub.emulator.testing.InMemoryCheckpointStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Event Hubs client's EventProcessorClient, with an in-memory checkpoint store, reads every partition
 * of the built-in endpoint: it resumes after its checkpoints, two processors share the partitions (the one taking a
 * partition over ends the other's receiver, at owner level 0), and it reads on across an emulator restart.
 */
class EventProcessorTest {
    private static final String ADDRESS = "127.0.0.76";
    @TempDir
    Path dataDirectory;
    private final List<EventProcessorClient> processors = new ArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private HubEmulator hub;
    private DefaultTrust trust;

    @AfterEach
    void stop() throws Exception {
        processors.forEach(EventProcessorClient::stop);
        if (hub != null) {
            hub.close();
        }
        if (trust != null) {
            trust.close();
        }
    }

    @Test
    void aProcessorReadsEveryPartitionAndResumesAfterItsCheckpoints() throws Exception {
        start();
        List<String> devices = List.of("processor-a", "processor-b", "processor-c", "processor-d");
        for (String device : devices) {
            send(device, device + "/1", device + "/2");
        }
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        Map<String, List<String>> read = new ConcurrentHashMap<>();
        EventProcessorClient first = processor(store, read);
        first.start();
        Conditions.await("every message", () -> devices.stream().allMatch(device ->
                read.getOrDefault(device, List.of()).size() == 2));
        first.stop();
        for (String device : devices) {
            assertEquals(List.of(device + "/1", device + "/2"), read.get(device), "in order, each once");
        }

        send("processor-a", "processor-a/3");
        Map<String, List<String>> readAfter = new ConcurrentHashMap<>();
        processor(store, readAfter).start();
        Conditions.await("the new message", () -> readAfter.containsKey("processor-a"));
        assertEquals(Map.of("processor-a", List.of("processor-a/3")), readAfter,
                "only what came after the checkpoints");
    }

    @Test
    void twoProcessorsShareThePartitionsAndMissNothing() throws Exception {
        start();
        InMemoryCheckpointStore store = new InMemoryCheckpointStore();
        Map<String, List<String>> read = new ConcurrentHashMap<>();
        EventProcessorClient first = processor(store, read);
        first.start();
        Conditions.await("the first processor owning every partition", () -> store.owners().size() == 4);
        EventProcessorClient second = processor(store, read);
        second.start();
        Conditions.await("the partitions shared two and two", () -> new HashSet<>(store.owners().values()).size() == 2
                && store.owners().values().stream().filter(first.getIdentifier()::equals).count() == 2);

        List<String> devices = List.of("shared-a", "shared-b", "shared-c", "shared-d", "shared-e");
        for (String device : devices) {
            send(device, device + "/1");
        }
        Conditions.await("every message", () -> devices.stream().allMatch(read::containsKey));
        assertTrue(errors.stream().anyMatch(error -> error.contains("AmqpException: New receiver with owner level "
                + "'0' was created")), "the processor whose partitions were taken over was told: " + errors);
    }

    @Test
    void aProcessorReadsOnAcrossAnEmulatorRestart() throws Exception {
        start();
        Map<String, List<String>> read = new ConcurrentHashMap<>();
        processor(new InMemoryCheckpointStore(), read).start();
        send("restarted", "before");
        Conditions.await("the message before", () -> read.containsKey("restarted"));

        hub.close();
        hub = HubEmulator.builder().address(ADDRESS).dataDirectory(dataDirectory).start();
        send("restarted", "after");

        Conditions.await("the message after the restart", Duration.ofSeconds(60),
                () -> read.get("restarted").contains("after"));
        assertEquals(List.of("before", "after"), read.get("restarted"), "nothing read twice");
    }

    private void start() throws Exception {
        hub = HubEmulator.builder().address(ADDRESS).dataDirectory(dataDirectory).start();
        trust = DefaultTrust.of(hub); // the hub keeps its CA across the restart, in the data directory
    }

    /** A processor from the start of every partition, adding what it reads, by device, to {@code read}. */
    private EventProcessorClient processor(InMemoryCheckpointStore store, Map<String, List<String>> read) {
        EventProcessorClient processor = new EventProcessorClientBuilder()
                .connectionString(hub.eventHubConnectionString())
                .consumerGroup("$Default")
                .checkpointStore(store)
                .initialPartitionEventPosition(partition -> EventPosition.earliest())
                .loadBalancingUpdateInterval(Duration.ofSeconds(1))
                .partitionOwnershipExpirationInterval(Duration.ofSeconds(5))
                .processEvent(context -> {
                    String device = (String) context.getEventData().getSystemProperties()
                            .get("iothub-connection-device-id");
                    read.computeIfAbsent(device, d -> new CopyOnWriteArrayList<>())
                            .add(context.getEventData().getBodyAsString());
                    context.updateCheckpoint();
                })
                // a partition taken over, or the emulator away: the processor goes on
                .processError(context -> errors.add(context.getPartitionContext().getPartitionId() + ": "
                        + context.getThrowable()))
                .buildEventProcessorClient();
        processors.add(processor);
        return processor;
    }

    private void send(String deviceId, String... bodies) throws Exception {
        DeviceClient device = new DeviceClient(hub.deviceConnectionString(deviceId), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        device.open(true);
        try {
            for (String body : bodies) {
                device.sendEvent(new Message(body), 10_000);
            }
        } finally {
            device.close();
        }
    }
}
