package dev.iothub.emulator.sdk;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where the hub put what a device sent, found as a backend finds it: with the Event Hubs client, on every partition
 * of the built-in endpoint, by the device's id and the messages' ids. Against a real hub this is the only way; the
 * emulator's {@code receivedTelemetry()} is not there.
 */
final class SentEvents {
    /** How far before the send the search starts: a real hub's clock may be this far from the test machine's. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    /** A real hub publishes connection states every 60 s, so their events may come a minute late. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    private SentEvents() {
    }

    /** The events of {@code deviceId} with {@code messageIds}, sent after {@code since}, in the order enqueued. */
    static List<PartitionEvent> await(String connectionString, String deviceId, Instant since,
                                      List<String> messageIds) {
        return await(connectionString, since, messageIds.size(), "messages " + deviceId + " sent",
                data -> deviceId.equals(data.getSystemProperties().get("iothub-connection-device-id"))
                        && messageIds.contains(data.getMessageId()));
    }

    /** The first {@code count} events that are {@code wanted}, enqueued after {@code since}, in the order enqueued. */
    static List<PartitionEvent> await(String connectionString, Instant since, int count, String what,
                                      Predicate<EventData> wanted) {
        EventHubConsumerAsyncClient consumer = new EventHubClientBuilder().connectionString(connectionString)
                .consumerGroup(EventHubClientBuilder.DEFAULT_CONSUMER_GROUP_NAME).buildAsyncConsumerClient();
        try {
            EventPosition start = EventPosition.fromEnqueuedTime(since.minus(CLOCK_SKEW));
            List<PartitionEvent> found = consumer.getPartitionIds()
                    .flatMap(partition -> consumer.receiveFromPartition(partition, start))
                    .filter(event -> wanted.test(event.getData()))
                    .take(count)
                    .collectList()
                    .block(WAIT);
            if (found == null || found.size() < count) {
                throw new AssertionError("the built-in endpoint has " + (found == null ? 0 : found.size()) + " of the "
                        + count + " " + what);
            }
            return found;
        } finally {
            consumer.close();
        }
    }
}
