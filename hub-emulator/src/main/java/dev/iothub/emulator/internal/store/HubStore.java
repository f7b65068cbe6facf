package dev.iothub.emulator.internal.store;

import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;

/**
 * Where the hub keeps its identities (each with its twin), their queues of cloud-to-device messages, the telemetry
 * on its built-in endpoint's partitions and its own settings. Every write is durable
 * when the call returns: an acknowledged write survives the process being killed. Implementations are
 * thread-safe per call; read-modify-write sequences are serialised by the caller.
 */
public interface HubStore extends AutoCloseable {

    Optional<Identity> find(IdentityId id);

    /** The modules of a device, in id order. */
    List<Identity> modules(String deviceId);

    /** The first {@code max} device identities in id order; modules are not among them. */
    List<Identity> devices(int max);


    /** Puts an identity; durable when it returns. */
    default void put(Identity identity) {
        putPending(identity).awaitDurable();
    }

    /**
     * Puts an identity, visible to reads at once, and returns what to wait on until it is durable. A caller
     * that serialises its writes with a lock makes the write under the lock and waits outside it, so that
     * writes made meanwhile share one commit instead of each waiting for its own.
     */
    Pending putPending(Identity identity);

    /** A write already made and visible, perhaps not yet durable. Writes become durable in the order they are made. */
    @FunctionalInterface
    interface Pending {
        Pending DURABLE = () -> { };

        /** Returns once the write survives the process being killed. */
        void awaitDurable();
    }

    /** Removes an identity, its kept session and its queued messages; a device takes its modules along, in one step. */
    void delete(IdentityId id);

    /** What the hub keeps of an identity's persistent session (MQTT's cleanSession=0) while it is away, if any. */
    Optional<String> session(IdentityId id);

    /**
     * Keeps {@code session} for an identity, or forgets it (null); durable when it returns. The caller makes
     * sure the identity exists: a kept session goes when its identity does.
     */
    void putSession(IdentityId id, String session);

    /**
     * The cloud-to-device messages queued for an identity, by their sequence number in its queue, oldest first.
     * What a message holds is the caller's: the store keeps its bytes.
     */
    SortedMap<Long, byte[]> messages(IdentityId id);

    /**
     * Puts message {@code sequence} of an identity's queue, or replaces it; durable when it returns. The caller
     * makes sure the identity exists: its messages go when it does.
     */
    void putMessage(IdentityId id, long sequence, byte[] message);

    /** Removes message {@code sequence} of an identity's queue, if there; durable when it returns. */
    void deleteMessage(IdentityId id, long sequence);

    /**
     * Appends events to a partition's log under consecutive sequence numbers from {@code firstSequence}, all or
     * none; visible to reads at once, and durable once the answer is awaited (as {@link #putPending}). What an
     * event holds is the caller's: the store keeps its bytes. Events outlive the identities that sent them.
     */
    Pending appendEvents(int partition, long firstSequence, List<byte[]> events);

    /** At most {@code max} events of a partition from sequence number {@code from} on, in order. */
    SortedMap<Long, byte[]> events(int partition, long from, int max);

    /** The sequence number of a partition's last event, if it has any. */
    OptionalLong lastEvent(int partition);

    /** Removes a partition's events before sequence number {@code before}; durable when it returns. */
    void trimEvents(int partition, long before);

    /** Small named values the hub keeps for itself, such as the shared access policies' keys. */
    Optional<String> setting(String name);

    void putSetting(String name, String value);

    @Override
    void close();
}
