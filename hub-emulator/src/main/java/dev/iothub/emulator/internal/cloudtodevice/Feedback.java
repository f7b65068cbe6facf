package dev.iothub.emulator.internal.cloudtodevice;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The hub's feedback queue (service-bound): records wait until a service's feedback receiver takes them, in
 * batches of at most 64, each batch locked until the receiver completes (it goes), abandons (it comes back) or
 * rejects it (it goes), or its lock of a minute runs out (it comes back). The hub sends a batch when it holds 64
 * records or 15 s after the last; the emulator sends what it holds as soon as a receiver can take it. Records are
 * kept in memory: a restart forgets them.
 */
final class Feedback {
    static final int MAX_BATCH = 64;

    private final ScheduledExecutorService timer;
    private final Duration lockDuration;

    private final Deque<FeedbackRecord> pending = new ArrayDeque<>();
    private final Map<UUID, List<FeedbackRecord>> locked = new LinkedHashMap<>();
    private final Set<Receiver> receivers = new CopyOnWriteArraySet<>();

    Feedback(ScheduledExecutorService timer, Duration lockDuration) {
        this.timer = timer;
        this.lockDuration = lockDuration;
    }

    void add(FeedbackRecord record) {
        synchronized (this) {
            pending.addLast(record);
        }
        receivers.forEach(receiver -> receiver.waiting.run());
    }

    /** Drops the records of {@code deviceId}, deleted: the hub drops a deleted device's pending feedback. */
    synchronized void forget(String deviceId) {
        pending.removeIf(record -> record.deviceId().equals(deviceId));
    }

    /** A receiver of batches; {@code waiting} runs, on any thread, whenever records come. */
    Leases<List<FeedbackRecord>> receive(Runnable waiting) {
        Receiver receiver = new Receiver(waiting);
        receivers.add(receiver);
        return receiver;
    }

    private final class Receiver implements Leases<List<FeedbackRecord>> {
        private final Runnable waiting;
        private final Set<UUID> held = new CopyOnWriteArraySet<>();

        Receiver(Runnable waiting) {
            this.waiting = waiting;
        }

        @Override
        public Optional<Lease<List<FeedbackRecord>>> next() {
            synchronized (Feedback.this) {
                if (pending.isEmpty()) {
                    return Optional.empty();
                }
                List<FeedbackRecord> batch = new ArrayList<>();
                while (batch.size() < MAX_BATCH && !pending.isEmpty()) {
                    batch.add(pending.removeFirst());
                }
                UUID lockToken = UUID.randomUUID();
                locked.put(lockToken, batch);
                held.add(lockToken);
                timer.schedule(() -> abandon(lockToken), lockDuration.toMillis(), TimeUnit.MILLISECONDS);
                return Optional.of(new Lease<>(lockToken, batch));
            }
        }

        @Override
        public void complete(UUID lockToken) {
            settle(lockToken);
        }

        @Override
        public void abandon(UUID lockToken) {
            List<FeedbackRecord> batch = settle(lockToken);
            if (batch != null) {
                synchronized (Feedback.this) {
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        pending.addFirst(batch.get(i));
                    }
                }
                receivers.forEach(receiver -> receiver.waiting.run());
            }
        }

        @Override
        public void reject(UUID lockToken) {
            settle(lockToken);
        }

        @Override
        public boolean holds(UUID lockToken) {
            return held.contains(lockToken);
        }

        @Override
        public void close() {
            if (receivers.remove(this)) {
                held.forEach(this::abandon);
            }
        }

        private List<FeedbackRecord> settle(UUID lockToken) {
            if (!held.remove(lockToken)) {
                return null;
            }
            synchronized (Feedback.this) {
                return locked.remove(lockToken);
            }
        }
    }
}
