package dev.iothub.emulator.internal.cloudtodevice;

import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.store.HubStore;
import dev.iothub.emulator.internal.timing.Timers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's cloud-to-device messages, whatever the protocol: a queue per device or module, kept in the store so
 * that a message waits across reconnects and restarts until the device completes or rejects it, or it expires; the
 * hub's limits (50 messages a queue, 64 KB a message, 10 deliveries, a default time to live of an hour, a lock of a
 * minute); and the feedback a service asked for. The state machine is the hub's (its cloud-to-device page):
 * enqueued, then locked for one receiver, then completed, or enqueued again (abandoned, its lock run out, its
 * receiver gone), or dead-lettered (rejected, expired, delivered too often, purged).
 */
public final class CloudToDeviceHub implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CloudToDeviceHub.class);
    private static final RateLimitedLog refusedSettlements = new RateLimitedLog(log);
    /** "Each device queue holds, at most, 50 cloud-to-device messages" (the hub's cloud-to-device page). */
    static final int MAX_QUEUED = 50;
    /** The hub's 64 KB (its quotas page), counting the body and the properties. */
    static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** The hub's default maxDeliveryCount: a message abandoned this often is dead-lettered. */
    static final int MAX_DELIVERY_COUNT = 10;
    /** The hub's default time to live (defaultTtlAsIso8601, PT1H) for a message without an absolute expiry. */
    static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** How long a receiver holds a message before it is delivered again: the hub's lock of a minute. */
    public static final Duration LOCK_DURATION = Duration.ofMinutes(1);

    private final HubStore store;
    private final IdentityRegistry registry;
    private final Clock clock;
    private final ReceivedOperations received;
    private final Duration lockDuration;
    private final Feedback feedback;
    /** The queues holding messages, read from the store when first needed; an empty one is not kept. */
    private final Map<IdentityId, DeviceQueue> queues = new HashMap<>();
    private final Map<IdentityId, Set<Receiver>> receivers = new HashMap<>();
    private final ScheduledThreadPoolExecutor timer = Timers.daemon("hub-emulator-cloud-to-device");

    /** {@code lockDuration}: how long a receiver holds a message or a feedback batch ({@link #LOCK_DURATION}). */
    public CloudToDeviceHub(HubStore store, IdentityRegistry registry, Clock clock, ReceivedOperations received,
                            Duration lockDuration) {
        this.store = store;
        this.lockDuration = lockDuration;
        this.registry = registry;
        this.clock = clock;
        this.received = received;
        feedback = new Feedback(timer, lockDuration);
        registry.addDeletionListener(this::deleted);
    }

    /** Enqueues a message a service sent for the identity its {@code to} names, or says why the hub does not. */
    public void send(CloudToDeviceMessage sent) throws CloudToDeviceRefusal {
        IdentityId target = Targets.parse(sent.to());
        if (target == null) {
            throw new CloudToDeviceRefusal(CloudToDeviceRefusal.Reason.INVALID, "The message's 'to' ('" + sent.to()
                    + "') is not /devices/{deviceId}/messages/devicebound or "
                    + "/devices/{deviceId}/modules/{moduleId}/messages/devicebound.");
        }
        if (sent.ack() == null) {
            throw new CloudToDeviceRefusal(CloudToDeviceRefusal.Reason.INVALID, "The message's iothub-ack is not one "
                    + "of none, positive, negative or full.");
        }
        if (sent.size() > MAX_MESSAGE_BYTES) {
            throw new CloudToDeviceRefusal(CloudToDeviceRefusal.Reason.TOO_LARGE, "The message is " + sent.size()
                    + " bytes with its properties; the most a cloud-to-device message may be is " + MAX_MESSAGE_BYTES
                    + ".");
        }
        List<Runnable> waiting;
        synchronized (this) {
            if (registry.find(target).isEmpty()) {
                throw new CloudToDeviceRefusal(CloudToDeviceRefusal.Reason.TARGET_NOT_FOUND, (target.isModule()
                        ? "Module " + target.moduleId() + " on device " + target.deviceId() : "Device "
                        + target.deviceId()) + " is not registered.");
            }
            DeviceQueue queue = queue(target);
            expireDue(target, queue);
            if (queue.size() >= MAX_QUEUED) {
                throw new CloudToDeviceRefusal(CloudToDeviceRefusal.Reason.QUEUE_FULL, "The queue of " + target
                        + " holds " + MAX_QUEUED + " messages, the most it may hold.");
            }
            Instant now = clock.instant();
            CloudToDeviceMessage message = sent.enqueued(queue.nextSequence(), now,
                    sent.expiry() == null ? now.plus(DEFAULT_TTL) : sent.expiry());
            store.putMessage(target, message.sequence(), MessageCodec.encode(message));
            queue.put(message);
            queues.put(target, queue);
            watchExpiry(target, message);
            received.add(target + ": cloud-to-device send");
            waiting = waiting(target);
        }
        waiting.forEach(Runnable::run);
    }

    /** The messages waiting for {@code id}, enqueued or locked: the registry's {@code cloudToDeviceMessageCount}. */
    public synchronized int count(IdentityId id) {
        DeviceQueue queue = queue(id);
        expireDue(id, queue);
        return queue.size();
    }

    /**
     * Drops every message waiting for device {@code deviceId} (its own, not its modules'), each dead-lettered as
     * purged; answers how many. The caller has checked that the device exists.
     */
    public synchronized int purge(IdentityId device) {
        DeviceQueue queue = queue(device);
        List<CloudToDeviceMessage> purged = new ArrayList<>();
        queue.messages().forEach(purged::add);
        for (CloudToDeviceMessage message : purged) {
            deadLetter(device, queue, message, "Purged");
        }
        received.add(device + ": cloud-to-device purge");
        return purged.size();
    }

    /** A receiver of {@code id}'s messages (a device's link or subscription); {@code waiting} runs when messages come. */
    public Leases<CloudToDeviceMessage> receive(IdentityId id, Runnable waiting) {
        Receiver receiver = new Receiver(id, waiting);
        synchronized (this) {
            receivers.computeIfAbsent(id, ignored -> new CopyOnWriteArraySet<>()).add(receiver);
        }
        return receiver;
    }

    /**
     * A service's receiver of feedback batches; {@code waiting} runs when records come. A batch is locked for a
     * minute, as the hub's feedback queue locks it: not settled by then, it is delivered again.
     */
    public Leases<List<FeedbackRecord>> receiveFeedback(Runnable waiting) {
        return feedback.receive(waiting);
    }

    private synchronized Optional<Lease<CloudToDeviceMessage>> lock(Receiver receiver) {
        DeviceQueue queue = queue(receiver.id);
        expireDue(receiver.id, queue);
        CloudToDeviceMessage message = queue.firstUnlocked();
        if (message == null) {
            return Optional.empty();
        }
        UUID lockToken = UUID.randomUUID();
        queue.lock(lockToken, new DeviceQueue.Lock(message.sequence(), receiver, timer.schedule(
                () -> lockExpired(receiver.id, lockToken), lockDuration.toMillis(), TimeUnit.MILLISECONDS)));
        received.add(receiver.id + ": cloud-to-device deliver");
        return Optional.of(new Lease<>(lockToken, message));
    }

    private void complete(Receiver receiver, UUID lockToken) {
        settle(receiver, lockToken, "complete", (queue, message) -> {
            remove(receiver.id, queue, message);
            if (message.ack().onCompletion()) {
                feedback(receiver.id, message, "Success");
            }
        });
    }

    private void abandon(Receiver receiver, UUID lockToken) {
        settle(receiver, lockToken, "abandon", (queue, message) -> {
            CloudToDeviceMessage again = message.deliveredAgain();
            if (again.deliveryCount() >= MAX_DELIVERY_COUNT) {
                deadLetter(receiver.id, queue, message, "DeliveryCountExceeded");
            } else {
                store.putMessage(receiver.id, again.sequence(), MessageCodec.encode(again));
                queue.put(again);
            }
        });
    }

    private void reject(Receiver receiver, UUID lockToken) {
        settle(receiver, lockToken, "reject", (queue, message) -> deadLetter(receiver.id, queue, message, "Rejected"));
    }

    /**
     * Ends the lock {@code receiver} holds on a message and does what {@code settlement} says with it. A lock that
     * ran out (or a message purged) is settled too late: nothing happens. A store that refuses the change for now
     * (a full disk) leaves the message enqueued again, as if its lock had run out: the hub delivers at least once.
     */
    private void settle(Receiver receiver, UUID lockToken, String operation,
                        BiConsumer<DeviceQueue, CloudToDeviceMessage> settlement) {
        List<Runnable> waiting;
        synchronized (this) {
            DeviceQueue queue = queue(receiver.id);
            CloudToDeviceMessage message = queue.unlock(lockToken, receiver);
            if (message == null) {
                return;
            }
            received.add(receiver.id + ": cloud-to-device " + operation);
            try {
                settlement.accept(queue, message);
            } catch (HubException e) {
                refusedSettlements.warn("{}'s {} of a cloud-to-device message not stored ({}): it is delivered again",
                        receiver.id, operation, e.getMessage());
            }
            waiting = waiting(receiver.id);
        }
        waiting.forEach(Runnable::run);
    }

    /** The receiver is gone: the messages it held are enqueued again, for the identity's other receivers. */
    private void stopReceiving(Receiver receiver) {
        List<Runnable> waiting;
        synchronized (this) {
            Set<Receiver> ofIdentity = receivers.get(receiver.id);
            if (ofIdentity == null || !ofIdentity.remove(receiver)) {
                return;
            }
            if (ofIdentity.isEmpty()) {
                receivers.remove(receiver.id);
            }
            DeviceQueue queue = queues.get(receiver.id);
            if (queue != null) {
                queue.heldBy(receiver).forEach(lockToken -> queue.unlock(lockToken, receiver));
            }
            waiting = waiting(receiver.id);
        }
        waiting.forEach(Runnable::run);
    }

    private void lockExpired(IdentityId id, UUID lockToken) {
        List<Runnable> waiting;
        synchronized (this) {
            DeviceQueue queue = queues.get(id);
            if (queue == null || queue.unlock(lockToken, null) == null) {
                return;
            }
            waiting = waiting(id);
        }
        waiting.forEach(Runnable::run);
    }

    private void watchExpiry(IdentityId id, CloudToDeviceMessage message) {
        long delay = Math.max(0, Duration.between(clock.instant(), message.expiry()).toMillis());
        timer.schedule(() -> {
            synchronized (this) {
                expireDue(id, queue(id));
            }
        }, delay + 1, TimeUnit.MILLISECONDS);
    }

    /** Dead-letters the messages of {@code queue} whose time to live has passed, unless a receiver holds one. */
    private void expireDue(IdentityId id, DeviceQueue queue) {
        Instant now = clock.instant();
        List<CloudToDeviceMessage> expired = new ArrayList<>();
        for (CloudToDeviceMessage message : queue.messages()) {
            if (!message.expiry().isAfter(now) && !queue.isLocked(message.sequence())) {
                expired.add(message);
            }
        }
        expired.forEach(message -> deadLetter(id, queue, message, "Expired"));
    }

    private void deadLetter(IdentityId id, DeviceQueue queue, CloudToDeviceMessage message, String status) {
        remove(id, queue, message);
        if (message.ack().onDeadLetter()) {
            feedback(id, message, status);
        }
    }

    private void remove(IdentityId id, DeviceQueue queue, CloudToDeviceMessage message) {
        store.deleteMessage(id, message.sequence());
        queue.remove(message.sequence());
        if (queue.size() == 0) {
            queues.remove(id, queue); // an empty queue holds nothing the store does not: memory only for those in use
        }
    }

    private void feedback(IdentityId id, CloudToDeviceMessage message, String status) {
        String generationId = registry.find(id.deviceOnly()).map(Identity::generationId).orElse("");
        feedback.add(new FeedbackRecord(message.messageId(), id.deviceId(), generationId, clock.instant(), status));
    }

    /**
     * The queue of {@code id}, read from the store the first time it holds messages, and kept, its expiries watched,
     * while it does.
     */
    private DeviceQueue queue(IdentityId id) {
        DeviceQueue queue = queues.get(id);
        if (queue == null) {
            List<CloudToDeviceMessage> stored = store.messages(id).values().stream().map(MessageCodec::decode).toList();
            queue = new DeviceQueue(stored);
            if (!stored.isEmpty()) {
                queues.put(id, queue);
                stored.forEach(message -> watchExpiry(id, message));
            }
        }
        return queue;
    }

    /** What to tell once the lock is let go: each receiver of {@code id} that messages wait. */
    private List<Runnable> waiting(IdentityId id) {
        Set<Receiver> ofIdentity = receivers.get(id);
        return ofIdentity == null ? List.of() : ofIdentity.stream().map(receiver -> receiver.waiting).toList();
    }

    /** The store dropped the identity's messages with it (a device's modules' too); what is held in memory goes. */
    private synchronized void deleted(IdentityId gone) {
        queues.entrySet().removeIf(entry -> {
            if (IdentityId.isWithin(entry.getKey(), gone)) {
                entry.getValue().unlockAll();
                return true;
            }
            return false;
        });
        if (!gone.isModule()) {
            feedback.forget(gone.deviceId());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private final class Receiver implements Leases<CloudToDeviceMessage> {
        private final IdentityId id;
        private final Runnable waiting;

        Receiver(IdentityId id, Runnable waiting) {
            this.id = id;
            this.waiting = waiting;
        }

        @Override
        public Optional<Lease<CloudToDeviceMessage>> next() {
            return lock(this);
        }

        @Override
        public void complete(UUID lockToken) {
            CloudToDeviceHub.this.complete(this, lockToken);
        }

        @Override
        public void abandon(UUID lockToken) {
            CloudToDeviceHub.this.abandon(this, lockToken);
        }

        @Override
        public void reject(UUID lockToken) {
            CloudToDeviceHub.this.reject(this, lockToken);
        }

        @Override
        public boolean holds(UUID lockToken) {
            synchronized (CloudToDeviceHub.this) {
                DeviceQueue queue = queues.get(id);
                return queue != null && queue.isHeld(lockToken, this);
            }
        }

        @Override
        public void close() {
            stopReceiving(this);
        }
    }
}
