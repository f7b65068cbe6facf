package dev.iothub.emulator.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChunkCompactor} on a store of four chunks each about a quarter live, made by one commit per key range. */
@Timeout(60)
class ChunkCompactorTest {
    private static final int RANGES = 4;
    private static final int KEYS = 1_000;
    /** Of each range, the keys kept: a quarter, so that each range's chunk is about a quarter live. */
    private static final int KEPT = KEYS / 4;

    @TempDir
    Path directory;
    private MVStore store;
    private MVMap<String, String> map;

    @BeforeEach
    void sparseChunks() {
        store = new MVStore.Builder().fileName(directory.resolve("test.mv.db").toString()).autoCommitDisabled().open();
        store.setRetentionTime(0);
        map = store.openMap("m");
        for (int range = 0; range < RANGES; range++) {
            for (int i = 0; i < KEYS; i++) {
                map.put(key(range, i), value(range, i));
            }
            store.commit();
        }
        for (int range = 0; range < RANGES; range++) {
            for (int i = KEPT; i < KEYS; i++) {
                map.remove(key(range, i));
            }
        }
        store.commit();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void rewritesSparseChunksAndCommitsNothingItself() {
        assertTrue(store.getFileStore().getChunksFillRate() < 50, "the chunks start sparse");
        long version = store.getCurrentVersion();

        try (ChunkCompactor compactor = new ChunkCompactor(store)) {
            compactor.committed();
            while (!store.hasUnsavedChanges()) {
                Thread.onSpinWait(); // until the compactor's pass has rewritten its first page
            }
        }

        assertEquals(version, store.getCurrentVersion(), "the compactor committed");
        store.commit();
        for (int i = 0; i < 6; i++) {
            // MVStore frees what is dead once the last 5 versions no longer use it
            store.openMap("tick").put("n", i);
            store.commit();
        }
        assertTrue(store.getFileStore().getChunksFillRate() >= 50, "fill rate " + store.getFileStore().getChunksFillRate());
        for (int range = 0; range < RANGES; range++) {
            for (int i = 0; i < KEYS; i++) {
                assertEquals(i < KEPT ? value(range, i) : null, map.get(key(range, i)), key(range, i));
            }
        }
    }

    private static String key(int range, int i) {
        return range + "-" + String.format("%04d", i);
    }

    private static String value(int range, int i) {
        return ("value of " + key(range, i) + " ").repeat(4);
    }
}
