package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.model.IdentityId;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Which identities are connected right now. Live state, never stored: after a restart every identity
 * is disconnected, as on the hub after its clients drop. Connections are counted: while a newer connection
 * of an identity replaces an older, the identity holds both for a moment and stays connected throughout.
 */
public final class ConnectionStates {

    /** What the registry and twin JSON show: {@code connectionState}, its update time and the last activity. */
    public record ConnectionState(boolean connected, Instant updated, Instant lastActivity) {
        static final ConnectionState NEVER = new ConnectionState(false, null, null);

        public String name() {
            return connected ? "Connected" : "Disconnected";
        }
    }

    /** Hears an identity become connected (its first connection) and disconnected (its last one ended), in order. */
    @FunctionalInterface
    public interface ConnectionListener {
        /** Runs while the states are locked, so that the changes of an identity are heard in order: it must be quick. */
        void connectionChanged(IdentityId id, boolean connected);
    }

    private record Entry(int connections, Instant updated, Instant lastActivity) {
    }

    private final Map<IdentityId, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final List<ConnectionListener> listeners = new CopyOnWriteArrayList<>();

    public ConnectionStates(Clock clock) {
        this.clock = clock;
    }

    public void addListener(ConnectionListener listener) {
        listeners.add(listener);
    }

    /** Locked (as {@link #disconnected} is) so that listeners hear an identity's changes in the order they happen. */
    public synchronized void connected(IdentityId id) {
        Instant now = clock.instant();
        Entry entry = entries.merge(id, new Entry(1, now, now),
                (old, added) -> new Entry(old.connections() + 1, old.connections() == 0 ? now : old.updated(), now));
        if (entry.connections() == 1) {
            listeners.forEach(listener -> listener.connectionChanged(id, true));
        }
    }

    public synchronized void disconnected(IdentityId id) {
        Instant now = clock.instant();
        Entry before = entries.get(id);
        entries.computeIfPresent(id, (key, old) -> old.connections() <= 1
                ? new Entry(0, now, old.lastActivity())
                : new Entry(old.connections() - 1, old.updated(), old.lastActivity()));
        if (before != null && before.connections() == 1) {
            listeners.forEach(listener -> listener.connectionChanged(id, false));
        }
    }

    public void active(IdentityId id) {
        entries.computeIfPresent(id, (key, old) -> new Entry(old.connections(), old.updated(), clock.instant()));
    }

    /**
     * Forgets an identity that was deleted (a device with its modules), so a new one of the same id starts afresh:
     * those connected are disconnected now, as their connections end with them.
     */
    public synchronized void forget(IdentityId deleted) {
        entries.entrySet().removeIf(entry -> {
            if (!IdentityId.isWithin(entry.getKey(), deleted)) {
                return false;
            }
            if (entry.getValue().connections() > 0) {
                listeners.forEach(listener -> listener.connectionChanged(entry.getKey(), false));
            }
            return true;
        });
    }

    public ConnectionState of(IdentityId id) {
        Entry entry = entries.get(id);
        return entry == null
                ? ConnectionState.NEVER
                : new ConnectionState(entry.connections() > 0, entry.updated(), entry.lastActivity());
    }
}
