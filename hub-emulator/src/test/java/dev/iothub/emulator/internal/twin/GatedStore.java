package dev.iothub.emulator.internal.twin;

import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.store.HubStore;
import dev.iothub.emulator.testing.ForwardingStore;
import java.util.HashSet;
import java.util.Set;

/**
 * An in-memory store whose writes become durable only when the test says so, in the order they were made
 * (as {@link HubStore} promises); a writer waiting for one can also be held back after it is durable, as
 * a thread the scheduler is slow to wake.
 */
final class GatedStore extends ForwardingStore {
    private final Set<Long> heldBack = new HashSet<>();
    private long made;
    private long durableThrough;
    private int waiting;

    /** Writes 1 to {@code write} are durable now. */
    synchronized void makeDurableThrough(long write) {
        durableThrough = write;
        notifyAll();
    }

    /** The writer of {@code write} stays waiting, durable or not, until {@link #wake}. */
    synchronized void holdBack(long write) {
        heldBack.add(write);
    }

    synchronized void wake(long write) {
        heldBack.remove(write);
        notifyAll();
    }

    /** Returns once {@code writers} writers wait for their writes to become durable. */
    synchronized void awaitWaiting(int writers) throws InterruptedException {
        while (waiting < writers) {
            wait();
        }
    }

    @Override
    public Pending putPending(Identity identity) {
        super.putPending(identity);
        long write;
        synchronized (this) {
            write = ++made;
        }
        return () -> awaitDurable(write);
    }

    private synchronized void awaitDurable(long write) {
        waiting++;
        notifyAll();
        try {
            while (durableThrough < write || heldBack.contains(write)) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            waiting--;
        }
    }
}
