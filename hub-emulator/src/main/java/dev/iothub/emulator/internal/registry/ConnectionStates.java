package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.model.IdentityId;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

    private record Entry(int connections, Instant updated, Instant lastActivity) {
    }

    private final Map<IdentityId, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;

    public ConnectionStates(Clock clock) {
        this.clock = clock;
    }

    public void connected(IdentityId id) {
        Instant now = clock.instant();
        entries.merge(id, new Entry(1, now, now),
                (old, added) -> new Entry(old.connections() + 1, old.connections() == 0 ? now : old.updated(), now));
    }

    public void disconnected(IdentityId id) {
        Instant now = clock.instant();
        entries.computeIfPresent(id, (key, old) -> old.connections() <= 1
                ? new Entry(0, now, old.lastActivity())
                : new Entry(old.connections() - 1, old.updated(), old.lastActivity()));
    }

    public void active(IdentityId id) {
        entries.computeIfPresent(id, (key, old) -> new Entry(old.connections(), old.updated(), clock.instant()));
    }

    /** Forgets an identity that was deleted (a device with its modules), so a new one of the same id starts afresh. */
    public void forget(IdentityId deleted) {
        entries.keySet().removeIf(id -> IdentityId.isWithin(id, deleted));
    }

    public ConnectionState of(IdentityId id) {
        Entry entry = entries.get(id);
        return entry == null
                ? ConnectionState.NEVER
                : new ConnectionState(entry.connections() > 0, entry.updated(), entry.lastActivity());
    }
}
