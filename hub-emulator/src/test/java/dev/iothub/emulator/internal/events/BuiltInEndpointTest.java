package dev.iothub.emulator.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.store.HubStore;
import dev.iothub.emulator.internal.store.InMemoryHubStore;
import dev.iothub.emulator.internal.store.MvStoreHubStore;
import dev.iothub.emulator.testing.ForwardingStore;
import dev.iothub.emulator.testing.MovableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the built-in endpoint keeps, with the emulator's real stores and a clock the test moves: a day's retention
 * and a bound per partition drop the oldest events first, numbering goes on across a restart even once every event
 * expired, and a starting position finds its event among those kept.
 */
class BuiltInEndpointTest {
    private static final IdentityId DEVICE = IdentityId.device("d");
    @TempDir
    Path directory;
    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-07T10:00:00Z"));

    @Test
    void eventsOlderThanTheRetentionAreNoLongerRead() {
        BuiltInEndpoint endpoint = endpoint(new InMemoryHubStore(), Duration.ofHours(1), 1 << 20);
        int partition = send(endpoint, "old").partition();
        clock.advance(Duration.ofMinutes(59));
        send(endpoint, "new");

        clock.advance(Duration.ofMinutes(2));

        assertEquals(List.of("new"), bodies(endpoint.read(partition, 0, 10)));
        PartitionProperties properties = endpoint.properties(partition);
        assertEquals(1, properties.beginSequence());
        assertEquals(1, properties.lastSequence());
        assertEquals(1, endpoint.first(partition, StartPosition.EARLIEST));
    }

    @Test
    void aPartitionBeyondItsBoundDropsItsOldestEvents() {
        InMemoryHubStore probe = new InMemoryHubStore();
        Event measured = send(endpoint(probe, Duration.ofDays(1), 1 << 20), "x".repeat(99) + 0);
        int size = probe.events(measured.partition(), 0, 1).values().iterator().next().length; // as stored
        BuiltInEndpoint endpoint = endpoint(new InMemoryHubStore(), Duration.ofDays(1), 3L * size);
        List<Event> sent = IntStream.range(0, 5).mapToObj(i -> send(endpoint, "x".repeat(99) + i)).toList();

        List<Event> kept = endpoint.read(sent.get(0).partition(), 0, 10);

        assertEquals(List.of(2L, 3L, 4L), kept.stream().map(Event::sequence).toList(), "the newest that fit");
    }

    @Test
    void numberingGoesOnAcrossARestartEvenOnceEveryEventExpired() throws Exception {
        int partition;
        try (HubStore store = MvStoreHubStore.open(directory)) {
            BuiltInEndpoint endpoint = endpoint(store, Duration.ofHours(1), 1 << 20);
            partition = send(endpoint, "a").partition();
            send(endpoint, "b");
            clock.advance(Duration.ofHours(2));
            assertTrue(endpoint.properties(partition).empty());
        }
        try (HubStore store = MvStoreHubStore.open(directory)) {
            BuiltInEndpoint endpoint = endpoint(store, Duration.ofHours(1), 1 << 20);
            assertTrue(endpoint.properties(partition).empty(), "what expired is not read after the restart either");
            assertEquals(List.of(), endpoint.read(partition, 0, 10));

            assertEquals(2, send(endpoint, "c").sequence());
        }
    }

    /** As HubEmulator.reset() clears it: what was kept goes at once, from the store too, and numbering goes on. */
    @Test
    void numberingGoesOnAcrossARestartAfterTheEndpointWasCleared() throws Exception {
        try (HubStore store = MvStoreHubStore.open(directory)) {
            BuiltInEndpoint endpoint = endpoint(store, Duration.ofDays(1), 1 << 20);
            send(endpoint, "a");
            send(endpoint, "b");
            endpoint.clear();
            assertEquals(List.of(), endpoint.events());
        }
        try (HubStore store = MvStoreHubStore.open(directory)) {
            BuiltInEndpoint endpoint = endpoint(store, Duration.ofDays(1), 1 << 20);
            assertEquals(List.of(), endpoint.events());

            assertEquals(2, send(endpoint, "c").sequence());
        }
    }

    @Test
    void aStartingPositionFindsItsEventAmongThoseKept() {
        BuiltInEndpoint endpoint = endpoint(new InMemoryHubStore(), Duration.ofDays(1), 1 << 20);
        Event first = send(endpoint, "first");
        clock.advance(Duration.ofSeconds(1));
        Event second = send(endpoint, "second");
        int partition = first.partition();

        assertEquals(0, endpoint.first(partition, StartPosition.EARLIEST));
        assertEquals(2, endpoint.first(partition, StartPosition.LATEST));
        assertEquals(1, endpoint.first(partition, new StartPosition.Sequence(0, false)));
        assertEquals(0, endpoint.first(partition, new StartPosition.Sequence(0, true)));
        assertEquals(1, endpoint.first(partition, new StartPosition.EnqueuedTime(first.enqueued(), false)));
        assertEquals(0, endpoint.first(partition, new StartPosition.EnqueuedTime(first.enqueued(), true)));
        assertEquals(2, endpoint.first(partition, new StartPosition.EnqueuedTime(second.enqueued(), false)));
    }

    @Test
    void aHubKeepsThePartitionCountItWasCreatedWith() throws Exception {
        try (HubStore store = MvStoreHubStore.open(directory)) {
            assertEquals(8, new BuiltInEndpoint(store, clock, 8, Set.of(), Duration.ofDays(1), 1 << 20)
                    .partitionCount());
        }
        try (HubStore store = MvStoreHubStore.open(directory)) {
            assertEquals(8, new BuiltInEndpoint(store, clock, null, Set.of(), Duration.ofDays(1), 1 << 20)
                    .partitionCount());
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new BuiltInEndpoint(store, clock, 4, Set.of(), Duration.ofDays(1), 1 << 20));
            assertTrue(refused.getMessage().startsWith("This hub was created with 8 partitions"));
        }
        assertEquals(BuiltInEndpoint.DEFAULT_PARTITIONS, new BuiltInEndpoint(new InMemoryHubStore(), clock, null,
                Set.of(), Duration.ofDays(1), 1 << 20).partitionCount());
    }

    /** The bound counts what the store holds (the encoded events), and dropped events leave the store soon after. */
    @Test
    void theStoreHoldsAPartitionWithinItsBound() {
        InMemoryHubStore store = new InMemoryHubStore();
        BuiltInEndpoint endpoint = endpoint(store, Duration.ofDays(1), 16 * 1024);
        int partition = -1;
        for (int i = 0; i < 200; i++) {
            partition = send(endpoint, "x".repeat(1024)).partition();
        }

        long stored = store.events(partition, 0, Integer.MAX_VALUE).values().stream().mapToLong(e -> e.length).sum();
        assertTrue(stored <= 16 * 1024 + 16 * 1024 / 16 + 2048, stored + " bytes in the store");
    }

    /** Reading never writes: with a store that refuses writes (a full disk), readers are answered all the same. */
    @Test
    void readingAnswersWhileTheStoreRefusesWrites() {
        RefusingStore store = new RefusingStore();
        BuiltInEndpoint endpoint = endpoint(store, Duration.ofHours(1), 1 << 20);
        int partition = -1;
        for (int i = 0; i < 300; i++) {
            partition = send(endpoint, "e" + i).partition();
        }
        clock.advance(Duration.ofHours(2));
        store.refuse = true;

        assertEquals(List.of(), endpoint.read(partition, 0, 10));
        assertTrue(endpoint.properties(partition).empty());
        assertEquals(300, endpoint.first(partition, StartPosition.EARLIEST));
    }

    /** A write the store did not take is forgotten: its number is given to the next message, and no reader saw it. */
    @Test
    void aMessageTheStoreDidNotTakeLeavesNoTrace() {
        RefusingStore store = new RefusingStore();
        BuiltInEndpoint endpoint = endpoint(store, Duration.ofDays(1), 1 << 20);
        Event first = send(endpoint, "kept");
        store.failCommits = true;

        assertThrows(HubException.class, () -> send(endpoint, "lost"));

        store.failCommits = false;
        PartitionProperties properties = endpoint.properties(first.partition());
        assertEquals(first.sequence(), properties.lastSequence());
        assertEquals(first.enqueued(), properties.lastEnqueued());
        assertEquals(first.sequence() + 1, send(endpoint, "next").sequence());
    }

    /** The emulator's store in memory, whose writes fail as MvStoreHubStore's do on a full disk, once told to. */
    private static final class RefusingStore extends ForwardingStore {
        private volatile boolean refuse;
        private volatile boolean failCommits;

        @Override
        public Pending appendEvents(int partition, long firstSequence, List<byte[]> events) {
            refuseIfTold();
            Pending pending = super.appendEvents(partition, firstSequence, events);
            return failCommits ? () -> {
                throw new HubException(ErrorCode.ServiceUnavailable, "The hub could not store the change.");
            } : pending;
        }

        @Override
        public void trimEvents(int partition, long before) {
            refuseIfTold();
            super.trimEvents(partition, before);
        }

        @Override
        public void putSetting(String name, String value) {
            refuseIfTold();
            super.putSetting(name, value);
        }

        private void refuseIfTold() {
            if (refuse) {
                throw new HubException(ErrorCode.ServiceUnavailable, "The hub cannot store changes right now.");
            }
        }
    }

    private BuiltInEndpoint endpoint(HubStore store, Duration retention, long maxPartitionBytes) {
        return new BuiltInEndpoint(store, clock, null, Set.of(), retention, maxPartitionBytes);
    }

    /** Sends {@code body} from device d, and answers the event it became. */
    private Event send(BuiltInEndpoint endpoint, String body) {
        endpoint.append(DEVICE, "device", "generation", List.of(new Telemetry(body.getBytes(StandardCharsets.UTF_8),
                Map.of(), null, null, null, null, null, Map.of())));
        List<Event> events = endpoint.events();
        return events.get(events.size() - 1);
    }

    private static List<String> bodies(List<Event> events) {
        return events.stream().map(event -> new String(event.telemetry().body(), StandardCharsets.UTF_8)).toList();
    }
}
