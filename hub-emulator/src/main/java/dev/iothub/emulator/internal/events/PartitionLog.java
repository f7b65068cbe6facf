package dev.iothub.emulator.internal.events;

import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.store.HubStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * One partition of the built-in endpoint: its events in order, numbered from 0, kept while they are younger than
 * the retention and the partition within its bound (the oldest go first), and the receivers to wake when more
 * arrive. Readers see an event once it is durable. Reading never writes: events dropped leave the store with a
 * later append, a batch at a time, and numbering goes on after a restart even once every event is gone, as the
 * store keeps the next sequence number beside the events whenever it drops some.
 */
final class PartitionLog {
    private static final RateLimitedLog failedTrims = new RateLimitedLog(LoggerFactory.getLogger(PartitionLog.class));

    /** What the log remembers of each event kept, to expire it and to find a time in it without reading it. */
    private record Kept(long sequence, Instant enqueued, int size) {
    }

    /** Dropped events leave the store once this many are waiting, or a sixteenth of the bound's bytes. */
    private static final int TRIM_BATCH = 256;

    private final int partition;
    private final HubStore store;
    private final Duration retention;
    private final long maxBytes;
    private final ArrayDeque<Kept> kept = new ArrayDeque<>();
    private final Set<Runnable> receivers = ConcurrentHashMap.newKeySet();
    private long next;
    /** The bytes of the events kept, as the store holds them. */
    private long bytes;
    /** The first sequence number the store may still hold: below it, trimmed. */
    private long storedFrom;
    /** The bytes of the events dropped but still in the store. */
    private long droppedBytes;
    private boolean trimming;
    private Instant lastEnqueued;
    /** The highest sequence number that is durable, -1 for none. */
    private volatile long durable;

    PartitionLog(int partition, HubStore store, Duration retention, long maxBytes, Instant createdAt) {
        this.partition = partition;
        this.store = store;
        this.retention = retention;
        this.maxBytes = maxBytes;
        this.lastEnqueued = createdAt;
        long last = store.lastEvent(partition).orElse(-1);
        next = Math.max(last + 1, store.setting(nextSetting(partition)).map(Long::parseLong).orElse(0L));
        durable = last;
        for (long from = 0; from <= last; ) {
            Map<Long, byte[]> read = store.events(partition, from, 1024);
            if (read.isEmpty()) {
                break;
            }
            for (Map.Entry<Long, byte[]> stored : read.entrySet()) {
                Event event = EventCodec.decode(partition, stored.getKey(), stored.getValue());
                keep(new Kept(event.sequence(), event.enqueued(), stored.getValue().length));
                lastEnqueued = event.enqueued();
                from = event.sequence() + 1;
            }
        }
        storedFrom = kept.isEmpty() ? next : kept.getFirst().sequence();
    }

    /**
     * Numbers and enqueues {@code sent} now, with the system properties the hub stamped; answers what to wait on
     * until they are durable, which is when {@link #durable} makes them visible.
     */
    synchronized Appended append(Map<String, String> systemProperties, List<Telemetry> sent, Instant now) {
        Instant enqueued = now.isBefore(lastEnqueued) ? lastEnqueued : now; // never back in time within a partition
        List<byte[]> encoded = new ArrayList<>(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            encoded.add(EventCodec.encode(new Event(partition, next + i, enqueued, systemProperties, sent.get(i))));
        }
        HubStore.Pending pending = store.appendEvents(partition, next, encoded);
        Appended appended = new Appended(pending, next, next + sent.size() - 1, lastEnqueued);
        for (byte[] event : encoded) {
            keep(new Kept(next++, enqueued, event.length));
        }
        lastEnqueued = enqueued;
        expire(now);
        return appended;
    }

    /** What {@link #append} did: what to await, the sequence numbers it gave, and the last enqueued time before. */
    record Appended(HubStore.Pending pending, long first, long last, Instant lastEnqueuedBefore) {
    }

    /** Events up to {@code last} are durable: receivers may read them. */
    void durable(long last) {
        synchronized (this) {
            if (last <= durable) {
                return;
            }
            durable = last;
        }
        receivers.forEach(Runnable::run);
    }

    /**
     * The store did not take what {@code appended} wrote: it is forgotten, and its sequence numbers given again,
     * unless later events took numbers after them meanwhile (then they stay a gap no reader sees).
     */
    synchronized void failed(Appended appended) {
        if (next != appended.last() + 1) {
            return;
        }
        while (!kept.isEmpty() && kept.getLast().sequence() >= appended.first()) {
            bytes -= kept.removeLast().size();
        }
        next = appended.first();
        lastEnqueued = appended.lastEnqueuedBefore();
    }

    /**
     * Removes from the store the events dropped since the last time, once enough are waiting or if {@code now}
     * (keeping where numbering is); a store that refuses now is asked again next time. Called after an append is
     * durable, never while reading.
     */
    void trim(boolean now) {
        long before;
        long nextSequence;
        synchronized (this) {
            before = begin();
            if (trimming || before <= storedFrom
                    || !(now || before - storedFrom >= TRIM_BATCH || droppedBytes >= maxBytes / 16)) {
                return;
            }
            trimming = true;
            nextSequence = next;
        }
        boolean trimmed = false;
        try {
            store.putSetting(nextSetting(partition), Long.toString(nextSequence));
            store.trimEvents(partition, before);
            trimmed = true;
        } catch (HubException e) {
            failedTrims.warn("Partition {} of the built-in endpoint keeps its expired events for now: {}", partition,
                    e.getMessage());
        } finally {
            synchronized (this) {
                trimming = false;
                if (trimmed) {
                    storedFrom = before;
                    droppedBytes = 0;
                }
            }
        }
    }

    /** At most {@code max} durable events from {@code from} on; none before the first kept. */
    List<Event> read(long from, int max, Instant now) {
        long first;
        synchronized (this) {
            expire(now);
            first = Math.max(from, begin());
        }
        long last = durable;
        List<Event> events = new ArrayList<>();
        if (first > last) {
            return events;
        }
        store.events(partition, first, (int) Math.min(max, last - first + 1)).forEach((sequence, stored) -> {
            if (sequence <= last) { // past a gap that a failed write left, the next events may not be durable yet
                events.add(EventCodec.decode(partition, sequence, stored));
            }
        });
        return events;
    }

    /** The sequence number a receiver starting at {@code position} reads first. */
    synchronized long first(StartPosition position, Instant now) {
        expire(now);
        if (position instanceof StartPosition.Sequence sequence) {
            return Math.max(begin(), sequence.inclusive() ? sequence.sequence() : sequence.sequence() + 1);
        }
        if (position instanceof StartPosition.EnqueuedTime time) {
            return kept.stream()
                    .filter(event -> time.inclusive() ? !event.enqueued().isBefore(time.time())
                            : event.enqueued().isAfter(time.time()))
                    .mapToLong(Kept::sequence).findFirst().orElse(next);
        }
        return next; // the latest: what comes from now on
    }

    /** The partition's properties as Event Hubs' management node answers them. */
    synchronized PartitionProperties properties(Instant now) {
        expire(now);
        return new PartitionProperties(partition, begin(), next - 1, lastEnqueued, kept.isEmpty());
    }

    /** {@code receiver} runs, on any thread, whenever events become readable; until the answer runs. */
    Runnable watch(Runnable receiver) {
        receivers.add(receiver);
        return () -> receivers.remove(receiver);
    }

    /** Every event kept is dropped, as if expired; numbering goes on. */
    void clear() {
        synchronized (this) {
            while (!kept.isEmpty()) {
                drop();
            }
        }
        trim(true);
    }

    private long begin() {
        return kept.isEmpty() ? next : kept.getFirst().sequence();
    }

    private void keep(Kept event) {
        kept.addLast(event);
        bytes += event.size();
    }

    private void drop() {
        Kept dropped = kept.removeFirst();
        bytes -= dropped.size();
        droppedBytes += dropped.size();
    }

    /** Drops the events past the retention or beyond the bound, oldest first; the store is trimmed later. */
    private void expire(Instant now) {
        Instant oldest = now.minus(retention);
        while (!kept.isEmpty() && (bytes > maxBytes || kept.getFirst().enqueued().isBefore(oldest))) {
            drop();
        }
    }

    private static String nextSetting(int partition) {
        return "events." + partition + ".next";
    }
}
