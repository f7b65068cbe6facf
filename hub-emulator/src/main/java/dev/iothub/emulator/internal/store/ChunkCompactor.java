package dev.iothub.emulator.internal.store;

import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * Keeps an MVStore file near the size of its live data while writes go on, on a daemon thread of its own:
 * after each commit it has heard of, it has MVStore rewrite the live pages of the sparsest chunks
 * ({@link MVStore#compact}), so that the next commit carries them and the old chunks' space is reused.
 * Auto-commit is off in {@link MvStoreHubStore}, so MVStore's own background housekeeping never runs;
 * and it could not be used, since its chunk moves commit whatever the maps hold, half-made changes too.
 * A rewrite commits nothing: it only marks pages changed, with the values they already have.
 */
final class ChunkCompactor implements AutoCloseable {
    /**
     * Below this share of live data in the chunks, a pass rewrites: the chunks then take at most about twice
     * the live data, and rewriting a chunk half live costs as much as the space it frees.
     */
    private static final int TARGET_FILL_RATE = 50;
    /**
     * The most live data one pass rewrites. The pass holds MVStore's store lock, which a commit waits for,
     * so this bounds how long a commit can be held up; the sparsest chunks go first.
     */
    private static final int WRITE_LIMIT = 256 * 1024;

    private final MVStore store;
    private final Thread thread;
    /** Both guarded by this. */
    private long commits;
    private boolean closed;

    ChunkCompactor(MVStore store) {
        this.store = store;
        this.thread = new Thread(this::run, "hub-store-compactor");
        thread.setDaemon(true);
        thread.start();
    }

    /** A commit was written: what it made sparse may be rewritten, and what the last pass rewrote is on disk. */
    synchronized void committed() {
        commits++;
        notifyAll();
    }

    private void run() {
        long seen = 0;
        while (true) {
            synchronized (this) {
                while (commits == seen && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                seen = commits;
            }
            try {
                store.compact(TARGET_FILL_RATE, WRITE_LIMIT);
            } catch (MVStoreException e) {
                return; // the store failed and closed itself (a full disk): the store that replaces it has its own
            }
        }
    }

    /** Stops the thread, after the pass under way if any; the store stays open. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
