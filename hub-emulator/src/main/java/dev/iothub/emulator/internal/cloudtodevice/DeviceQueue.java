package dev.iothub.emulator.internal.cloudtodevice;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;

/**
 * One identity's queue: its messages in order, each enqueued or locked for one receiver (invisible to the
 * others) until it is settled or its lock runs out. Guarded by {@link CloudToDeviceHub}'s lock.
 */
final class DeviceQueue {
    /** A message handed to {@code receiver}, back in the queue when {@code expiry} fires. */
    record Lock(long sequence, Leases<CloudToDeviceMessage> receiver, Future<?> expiry) {
    }

    private final SortedMap<Long, CloudToDeviceMessage> messages = new TreeMap<>();
    private final Map<UUID, Lock> locks = new LinkedHashMap<>();

    DeviceQueue(Iterable<CloudToDeviceMessage> stored) {
        stored.forEach(message -> messages.put(message.sequence(), message));
    }

    int size() {
        return messages.size();
    }

    long nextSequence() {
        return messages.isEmpty() ? 1 : messages.lastKey() + 1;
    }

    Iterable<CloudToDeviceMessage> messages() {
        return messages.values();
    }

    void put(CloudToDeviceMessage message) {
        messages.put(message.sequence(), message);
    }

    CloudToDeviceMessage get(long sequence) {
        return messages.get(sequence);
    }

    void remove(long sequence) {
        messages.remove(sequence);
        locks.values().removeIf(lock -> {
            if (lock.sequence() == sequence) {
                lock.expiry().cancel(false);
                return true;
            }
            return false;
        });
    }

    /** The oldest message no receiver holds, or null. */
    CloudToDeviceMessage firstUnlocked() {
        for (CloudToDeviceMessage message : messages.values()) {
            if (locks.values().stream().noneMatch(lock -> lock.sequence() == message.sequence())) {
                return message;
            }
        }
        return null;
    }

    boolean isLocked(long sequence) {
        return locks.values().stream().anyMatch(lock -> lock.sequence() == sequence);
    }

    void lock(UUID lockToken, Lock lock) {
        locks.put(lockToken, lock);
    }

    /** Ends the lock {@code lockToken} if {@code receiver} holds it; its message, or null. */
    CloudToDeviceMessage unlock(UUID lockToken, Leases<CloudToDeviceMessage> receiver) {
        Lock lock = locks.get(lockToken);
        if (lock == null || (receiver != null && lock.receiver() != receiver)) {
            return null;
        }
        locks.remove(lockToken);
        lock.expiry().cancel(false);
        return messages.get(lock.sequence());
    }

    boolean isHeld(UUID lockToken, Leases<CloudToDeviceMessage> receiver) {
        Lock lock = locks.get(lockToken);
        return lock != null && lock.receiver() == receiver;
    }

    /** The lock tokens {@code receiver} holds. */
    Iterable<UUID> heldBy(Leases<CloudToDeviceMessage> receiver) {
        return locks.entrySet().stream().filter(entry -> entry.getValue().receiver() == receiver)
                .map(Map.Entry::getKey).toList();
    }

    void unlockAll() {
        locks.values().forEach(lock -> lock.expiry().cancel(false));
        locks.clear();
    }
}
