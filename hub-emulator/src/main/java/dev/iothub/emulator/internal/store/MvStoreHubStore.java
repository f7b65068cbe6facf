package dev.iothub.emulator.internal.store;

import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * A store in one H2 MVStore file, {@code hub.mv.db} in the data directory. Auto-commit is off; a write
 * returns only after an {@link MVStore#commit()} that contains it, and commit hands the new chunk to
 * the file channel before it returns, so the write survives the process being killed (not a power
 * cut: nothing is fsynced). Commits are grouped: writers that arrive while one commit is being written
 * share the next. Reads go straight to the maps.
 */
public final class MvStoreHubStore implements HubStore {
    static final String FILE_NAME = "hub.mv.db";
    /**
     * The store's version when it was last closed, kept beside the file: MVStore opens a file whose end is cut
     * off at the last whole chunk before the cut, or as an empty store, without a word; a file that opens at an
     * older version than it was closed at has lost acknowledged writes, and is refused.
     */
    static final String CLOSED_VERSION_FILE = "hub.mv.db.closed-version";
    private static final String WHAT_TO_DO = "restore it from a backup, move it away to start an empty hub, "
            + "or choose another --data-dir";
    /**
     * While running, {@link ChunkCompactor} keeps the chunks about half live; closing rewrites the file with
     * the live data only (MVStore's full compaction, an atomic rename).
     */
    private static final int FULL_COMPACTION = -1;
    /**
     * How long MVStore keeps a chunk whose data has all been replaced before it reuses the space: not at all.
     * Every commit writes a chunk of some tens of KB, so a retention time keeps that long a stretch of writes
     * in the file: at 1 s, one writer rewriting 300 identities grew it to 100 MiB, and the throughput
     * benchmark kept tens of MiB of such chunks. Retention is for disks that reorder writes on a power cut,
     * which this store does not claim to survive (nothing is fsynced); after a kill MVStore goes back at most
     * to the last whole chunk, and it keeps what the last versions use. Reads in progress it does not know of
     * unless they say so: {@link #read}.
     */
    private static final int RETENTION_MILLIS = 0;

    private final MVStore store;
    private final MVMap<String, byte[]> identities;
    private final MVMap<String, String> settings;
    private final MVMap<String, String> sessions;
    private final ChunkCompactor compactor;
    private final Path directory;
    /** Held while changing the maps, and by a commit so that it never catches a change half made. */
    private final Object changes = new Object();
    /** Held by the one writer that commits for all changes made so far. */
    private final Object commits = new Object();
    private long changed;
    private volatile long committed;

    private MvStoreHubStore(MVStore store, Path directory) {
        this.store = store;
        this.directory = directory;
        store.setRetentionTime(RETENTION_MILLIS);
        this.identities = store.openMap("identities",
                new MVMap.Builder<String, byte[]>().keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        this.settings = store.openMap("settings",
                new MVMap.Builder<String, String>().keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
        this.sessions = store.openMap("sessions",
                new MVMap.Builder<String, String>().keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE));
        this.compactor = new ChunkCompactor(store);
    }

    /** Opens the store in {@code directory}, creating both if missing; refuses a damaged one. */
    public static MvStoreHubStore open(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path file = directory.resolve(FILE_NAME);
        Path closedVersion = directory.resolve(CLOSED_VERSION_FILE);
        boolean existed = Files.exists(file);
        MVStore store;
        try {
            store = new MVStore.Builder()
                    .fileName(file.toString())
                    .autoCommitDisabled()
                    // no commits behind our back either: a delete of a device and its modules is one commit
                    .autoCommitBufferSize(0)
                    .open();
        } catch (MVStoreException e) {
            throw new IOException(e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED
                    ? file + " is in use by another hub-emulator (stop it, or choose another --data-dir)"
                    : file + " is damaged (" + e.getMessage().lines().findFirst().orElse("unreadable") + "): "
                            + WHAT_TO_DO, e);
        }
        if (!existed) {
            Files.deleteIfExists(closedVersion); // a new store: what was closed before is gone on purpose
        } else if (Files.exists(closedVersion) && store.getCurrentVersion() < readVersion(closedVersion)) {
            long found = store.getCurrentVersion();
            store.closeImmediately();
            throw new IOException(file + " is damaged: it ends before what it held when last closed (version "
                    + readVersion(closedVersion) + ", found " + found + "): " + WHAT_TO_DO);
        }
        return new MvStoreHubStore(store, directory);
    }

    private static long readVersion(Path file) throws IOException {
        try {
            return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            throw new IOException(file + " is damaged (not a version number): delete it to open the store as it is", e);
        }
    }

    @Override
    public Optional<Identity> find(IdentityId id) {
        return Optional.ofNullable(read(() -> identities.get(StoreKeys.of(id)))).map(IdentityCodec::decode);
    }

    @Override
    public List<Identity> modules(String deviceId) {
        return read(() -> {
            List<Identity> modules = new ArrayList<>();
            forEachModule(deviceId, (key, json) -> modules.add(IdentityCodec.decode(json)));
            return modules;
        });
    }

    @Override
    public List<Identity> devices(int max) {
        return read(() -> identities.entrySet().stream().filter(entry -> entry.getKey().indexOf('/') < 0).limit(max)
                .map(entry -> IdentityCodec.decode(entry.getValue())).toList());
    }


    @Override
    public Pending putPending(Identity identity) {
        byte[] json = IdentityCodec.encode(identity);
        long change = change(() -> identities.put(StoreKeys.of(identity.id()), json));
        return () -> awaitCommitted(change);
    }

    @Override
    public void delete(IdentityId id) {
        write(() -> {
            for (MVMap<String, ?> map : List.of(identities, sessions)) {
                map.remove(StoreKeys.of(id));
                if (!id.isModule()) {
                    moduleKeys(map, id.deviceId()).forEach(map::remove);
                }
            }
        });
    }

    @Override
    public Optional<String> session(IdentityId id) {
        return Optional.ofNullable(read(() -> sessions.get(StoreKeys.of(id))));
    }

    @Override
    public void putSession(IdentityId id, String session) {
        write(() -> {
            if (session == null) {
                sessions.remove(StoreKeys.of(id));
            } else {
                sessions.put(StoreKeys.of(id), session);
            }
        });
    }

    @Override
    public Optional<String> setting(String name) {
        return Optional.ofNullable(read(() -> settings.get(name)));
    }

    @Override
    public void putSetting(String name, String value) {
        write(() -> settings.put(name, value));
    }

    /**
     * Reads with the store's current version registered as in use, so that MVStore reuses no chunk the read may
     * still need until it ends (MVStore's own means; with no retention time nothing else protects a read).
     * Changes need not: chunks are freed only by a commit, and commits wait for {@link #changes}.
     */
    private <T> T read(Supplier<T> read) {
        MVStore.TxCounter version = store.registerVersionUsage();
        try {
            return read.get();
        } finally {
            store.deregisterVersionUsage(version);
        }
    }

    /** Makes a change and returns once a commit holds it. */
    private void write(Runnable change) {
        awaitCommitted(change(change));
    }

    /** Makes a change, visible to reads at once; answers its number, for {@link #awaitCommitted}. */
    private long change(Runnable change) {
        synchronized (changes) {
            change.run();
            return ++changed;
        }
    }

    /**
     * Returns once a commit holds change number {@code mine}. While one writer commits, the others make their
     * changes and queue for the next commit, which the first of them writes for all.
     */
    private void awaitCommitted(long mine) {
        synchronized (commits) {
            if (committed >= mine) {
                return;
            }
            synchronized (changes) {
                store.commit();
                committed = changed;
            }
        }
        compactor.committed();
    }

    private void forEachModule(String deviceId, BiConsumer<String, byte[]> action) {
        for (String key : moduleKeys(identities, deviceId)) {
            action.accept(key, identities.get(key));
        }
    }

    /** The keys of a device's modules in {@code map}: from {@code d/} up to, not including, {@code d0}. */
    private static List<String> moduleKeys(MVMap<String, ?> map, String deviceId) {
        String to = StoreKeys.modulesTo(deviceId);
        List<String> keys = new ArrayList<>();
        // a cursor's upper bound is inclusive, and modulesTo may be a device's own key: stop before it
        Cursor<String, ?> cursor = map.cursor(StoreKeys.modulesFrom(deviceId));
        while (cursor.hasNext() && cursor.next().compareTo(to) < 0) {
            keys.add(cursor.getKey());
        }
        return keys;
    }

    @Override
    public void close() {
        compactor.close();
        long version;
        synchronized (commits) {
            synchronized (changes) {
                version = store.getCurrentVersion();
                store.close(FULL_COMPACTION);
            }
        }
        try {
            AtomicFiles.write(directory.resolve(CLOSED_VERSION_FILE),
                    (version + "\n").getBytes(StandardCharsets.US_ASCII), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the version " + directory.resolve(FILE_NAME) + " was closed at", e);
        }
    }
}
