package dev.iothub.emulator.internal.registry;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Runs what follows a write (telling connected devices of a desired change) only once the write is
 * durable, in the order the writes were made. A device must never hear of a change that a crash could
 * still take back, and must hear of a twin's versions in order. Writes become durable in the order they
 * are made, so once one write is durable every action queued before it may run too.
 */
final class DurableOrder {
    private record Entry(long ticket, Runnable action) {
    }

    private final Queue<Entry> queue = new ArrayDeque<>();
    private long lastTicket;

    /** Queues {@code action}; call in write order (under the writes' lock). Answers the ticket for {@link #runThrough}. */
    synchronized long add(Runnable action) {
        queue.add(new Entry(++lastTicket, action));
        return lastTicket;
    }

    /** The write of {@code ticket} failed: its action never runs. */
    synchronized void cancel(long ticket) {
        queue.removeIf(entry -> entry.ticket() == ticket);
    }

    /**
     * Once the write of {@code ticket} is durable: runs its action and every one queued before it that has
     * not run yet, in order. Running them under this lock keeps the order when writers finish together.
     */
    synchronized void runThrough(long ticket) {
        for (Entry next = queue.peek(); next != null && next.ticket() <= ticket; next = queue.peek()) {
            queue.remove().action().run();
        }
    }
}
