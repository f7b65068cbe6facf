package dev.iothub.emulator.internal.events;

import java.time.Instant;

/**
 * Where a partition receiver starts, as Event Hubs clients ask: after (or at) a sequence number, which is also an
 * offset here; after (or at) an enqueued time; or with the events enqueued from now on.
 */
public sealed interface StartPosition {
    /** The first event kept, whatever its sequence number: Event Hubs' offset {@code -1}. */
    StartPosition EARLIEST = new Sequence(-1, false);
    StartPosition LATEST = new Latest();

    record Sequence(long sequence, boolean inclusive) implements StartPosition {
    }

    record EnqueuedTime(Instant time, boolean inclusive) implements StartPosition {
    }

    record Latest() implements StartPosition {
    }
}
