package dev.iothub.emulator.internal.store;

import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.files.Directories;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store in one H2 MVStore file, {@code hub.mv.db} in the data directory. Auto-commit is off; a write
 * returns only after an {@link MVStore#commit()} that contains it, and commit hands the new chunk to
 * the file channel before it returns, so the write survives the process being killed (not a power
 * cut: nothing is fsynced). Commits are grouped: writers that arrive while one commit is being written
 * share the next. Reads go straight to the maps.
 */
public final class MvStoreHubStore implements HubStore {
    private static final Logger log = LoggerFactory.getLogger(MvStoreHubStore.class);
    private static final RateLimitedLog refusedWrites = new RateLimitedLog(log);
    static final String FILE_NAME = "hub.mv.db";
    /** The version of the store's last commit ({@link CommittedVersion}): a file that opens older is refused. */
    static final String COMMITTED_VERSION_FILE = "hub.mv.db.committed-version";
    private static final String WHAT_TO_DO = "restore it from a backup, move it away to start an empty hub, "
            + "or choose another data directory";
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
    /** The room a commit needs before it is written, with a wide margin: a commit writes some tens of KB. */
    private static final int ROOM_NEEDED = 4 * 1024 * 1024;

    private final Path directory;
    private final CommittedVersion committedVersion;
    /** The open file; replaced when a failed commit made MVStore close it (its "panic"), as on a full disk. */
    private volatile Opened opened;
    /** Held while changing the maps, and by a commit so that it never catches a change half made. */
    private final Object changes = new Object();
    /** Held by the one writer that commits for all changes made so far. */
    private final Object commits = new Object();
    /** The changes made since the last commit, which the next one decides; guarded by {@link #changes}. */
    private List<Change> uncommitted = new ArrayList<>();

    /** An MVStore and what runs on it: its maps and its compactor. */
    private record Opened(MVStore store, MVMap<String, byte[]> identities, MVMap<String, String> settings,
                          MVMap<String, String> sessions, MVMap<String, byte[]> messages, MVMap<String, byte[]> events,
                          ChunkCompactor compactor) {
        static Opened of(MVStore store) {
            store.setRetentionTime(RETENTION_MILLIS);
            return new Opened(store,
                    store.openMap("identities", new MVMap.Builder<String, byte[]>()
                            .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)),
                    store.openMap("settings", new MVMap.Builder<String, String>()
                            .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE)),
                    store.openMap("sessions", new MVMap.Builder<String, String>()
                            .keyType(StringDataType.INSTANCE).valueType(StringDataType.INSTANCE)),
                    // a file from before cloud-to-device messages has no such map: opening it makes an empty one
                    store.openMap("messages", new MVMap.Builder<String, byte[]>()
                            .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)),
                    // nor, from before telemetry was kept, this one
                    store.openMap("events", new MVMap.Builder<String, byte[]>()
                            .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE)),
                    store.isReadOnly() ? null : new ChunkCompactor(store));
        }

        void close() {
            if (compactor != null) {
                compactor.close();
            }
            store.closeImmediately();
        }
    }

    /** One change, and what the commit that took it decided: null until then. */
    private static final class Change {
        private volatile Boolean durable;
    }

    private MvStoreHubStore(MVStore store, Path directory, CommittedVersion committedVersion) {
        this.directory = directory;
        this.committedVersion = committedVersion;
        this.opened = Opened.of(store);
    }

    /** Opens the store in {@code directory}, creating both if missing; refuses a damaged one. */
    public static MvStoreHubStore open(Path directory) throws IOException {
        prepare(directory);
        Path file = directory.resolve(FILE_NAME);
        if (Files.exists(file) && !Files.isWritable(file)) {
            throw new IOException("Cannot use " + file + ": this user may not write it. Run as its owner, or make it "
                    + "this user's (chown), or choose another data directory");
        }
        Path committed = directory.resolve(COMMITTED_VERSION_FILE);
        boolean existed = Files.exists(file);
        MVStore store;
        try {
            store = builder(file).open();
        } catch (MVStoreException e) {
            throw new IOException(e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED
                    ? file + " is in use by another hub-emulator (stop it, or choose another data directory)"
                    : file + " is damaged (" + e.getMessage().lines().findFirst().orElse("unreadable") + "): "
                            + WHAT_TO_DO, e);
        }
        try {
            if (!existed) {
                Files.deleteIfExists(committed); // a new store: what was committed before is gone on purpose
            } else {
                checkNothingCommittedIsMissing(file, store.getCurrentVersion(), committed);
            }
            Directories.restrict(file, "rw-------"); // it holds every key
            return new MvStoreHubStore(store, directory, CommittedVersion.open(committed));
        } catch (IOException | RuntimeException e) {
            store.closeImmediately();
            throw e;
        }
    }

    /** Refuses a file that opens at an older version than the last commit recorded beside it, naming both. */
    private static void checkNothingCommittedIsMissing(Path file, long found, Path committed) throws IOException {
        OptionalLong recorded = CommittedVersion.read(committed);
        if (recorded.isPresent() && found < recorded.getAsLong()) {
            long missing = recorded.getAsLong() - found;
            throw new IOException(file + " is damaged: it lacks its last "
                    + (missing == 1 ? "commit and the writes it" : missing + " commits and the writes they")
                    + " held (version " + recorded.getAsLong()
                    + " was committed, the file holds " + found + "): restore it from a backup, delete " + committed
                    + " to start from what it holds, move it away to start an empty hub, or choose another data "
                    + "directory");
        }
    }

    /** Creates the data directory if missing, or says in one line why this user cannot use it. */
    private static void prepare(Path directory) throws IOException {
        try {
            if (!Files.isDirectory(directory)) {
                Directories.create(directory, Directories.PUBLIC); // others may reach the CA in it; never the store
            }
        } catch (AccessDeniedException e) {
            throw new IOException("Cannot create the data directory " + directory + ": this user may not create "
                    + e.getFile() + ". Choose another data directory, or create it for this user", e);
        } catch (FileSystemException e) {
            throw new IOException("Cannot create the data directory " + directory + ": " + e.getFile() + ": "
                    + e.getReason() + ". Choose another data directory", e);
        }
        if (!Files.isWritable(directory)) {
            throw new IOException("Cannot use the data directory " + directory + ": this user may not write in it. "
                    + "Choose another data directory, or make it writable for this user");
        }
    }

    private static MVStore.Builder builder(Path file) {
        return new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                // no commits behind our back either: a delete of a device and its modules is one commit
                .autoCommitBufferSize(0);
    }

    @Override
    public Optional<Identity> find(IdentityId id) {
        return Optional.ofNullable(read(o -> o.identities().get(StoreKeys.of(id)))).map(IdentityCodec::decode);
    }

    @Override
    public List<Identity> modules(String deviceId) {
        return read(o -> {
            List<Identity> modules = new ArrayList<>();
            for (String key : moduleKeys(o.identities(), deviceId)) {
                modules.add(IdentityCodec.decode(o.identities().get(key)));
            }
            return modules;
        });
    }

    @Override
    public List<Identity> devices(int max) {
        return read(o -> o.identities().entrySet().stream().filter(entry -> entry.getKey().indexOf('/') < 0).limit(max)
                .map(entry -> IdentityCodec.decode(entry.getValue())).toList());
    }


    @Override
    public Pending putPending(Identity identity) {
        byte[] json = IdentityCodec.encode(identity);
        Change change = change(o -> o.identities().put(StoreKeys.of(identity.id()), json));
        return () -> awaitCommitted(change);
    }

    @Override
    public void delete(IdentityId id) {
        write(o -> {
            for (MVMap<String, ?> map : List.of(o.identities(), o.sessions(), o.messages())) {
                map.remove(StoreKeys.of(id));
                keys(map, StoreKeys.messagesFrom(id), StoreKeys.messagesTo(id)).forEach(map::remove);
                if (!id.isModule()) {
                    moduleKeys(map, id.deviceId()).forEach(map::remove);
                }
            }
        });
    }

    @Override
    public SortedMap<Long, byte[]> messages(IdentityId id) {
        return read(o -> {
            SortedMap<Long, byte[]> queued = new TreeMap<>();
            for (String key : keys(o.messages(), StoreKeys.messagesFrom(id), StoreKeys.messagesTo(id))) {
                queued.put(StoreKeys.sequenceOf(key), o.messages().get(key));
            }
            return queued;
        });
    }

    @Override
    public void putMessage(IdentityId id, long sequence, byte[] message) {
        write(o -> o.messages().put(StoreKeys.message(id, sequence), message));
    }

    @Override
    public void deleteMessage(IdentityId id, long sequence) {
        write(o -> o.messages().remove(StoreKeys.message(id, sequence)));
    }

    @Override
    public Pending appendEvents(int partition, long firstSequence, List<byte[]> appended) {
        Change change = change(o -> {
            for (int i = 0; i < appended.size(); i++) {
                o.events().put(StoreKeys.event(partition, firstSequence + i), appended.get(i));
            }
        });
        return () -> awaitCommitted(change);
    }

    @Override
    public SortedMap<Long, byte[]> events(int partition, long from, int max) {
        return read(o -> {
            SortedMap<Long, byte[]> read = new TreeMap<>();
            String to = StoreKeys.eventsFrom(partition + 1);
            Cursor<String, byte[]> cursor = o.events().cursor(StoreKeys.event(partition, from));
            while (read.size() < max && cursor.hasNext() && cursor.next().compareTo(to) < 0) {
                read.put(StoreKeys.eventSequenceOf(cursor.getKey()), cursor.getValue());
            }
            return read;
        });
    }

    @Override
    public OptionalLong lastEvent(int partition) {
        String last = read(o -> o.events().lowerKey(StoreKeys.eventsFrom(partition + 1)));
        return last == null || !last.startsWith(StoreKeys.eventsFrom(partition))
                ? OptionalLong.empty() : OptionalLong.of(StoreKeys.eventSequenceOf(last));
    }

    @Override
    public void trimEvents(int partition, long before) {
        write(o -> keys(o.events(), StoreKeys.eventsFrom(partition), StoreKeys.event(partition, before))
                .forEach(o.events()::remove));
    }

    @Override
    public Optional<String> session(IdentityId id) {
        return Optional.ofNullable(read(o -> o.sessions().get(StoreKeys.of(id))));
    }

    @Override
    public void putSession(IdentityId id, String session) {
        write(o -> {
            if (session == null) {
                o.sessions().remove(StoreKeys.of(id));
            } else {
                o.sessions().put(StoreKeys.of(id), session);
            }
        });
    }

    @Override
    public Optional<String> setting(String name) {
        return Optional.ofNullable(read(o -> o.settings().get(name)));
    }

    @Override
    public void putSetting(String name, String value) {
        write(o -> o.settings().put(name, value));
    }

    /**
     * Reads with the store's current version registered as in use, so that MVStore reuses no chunk the read may
     * still need until it ends (MVStore's own means; with no retention time nothing else protects a read).
     * Changes need not: chunks are freed only by a commit, and commits wait for {@link #changes}. A read that
     * meets a store closed by a failed commit reads again from the one that replaced it.
     */
    private <T> T read(Function<Opened, T> read) {
        for (int attempt = 0; ; attempt++) {
            Opened o = opened;
            try {
                MVStore.TxCounter version = o.store().registerVersionUsage();
                try {
                    return read.apply(o);
                } finally {
                    o.store().deregisterVersionUsage(version);
                }
            } catch (MVStoreException e) {
                if (attempt > 0 || opened == o) {
                    throw unavailable(e);
                }
            }
        }
    }

    /** Makes a change and returns once a commit holds it. */
    private void write(Consumer<Opened> change) {
        awaitCommitted(change(change));
    }

    /** Makes a change, visible to reads at once; answers it, for {@link #awaitCommitted}. */
    private Change change(Consumer<Opened> change) {
        synchronized (changes) {
            if (opened.store().isClosed() || opened.store().isReadOnly()) {
                resumeWriting(); // after a failed commit: the disk may have room again
                if (opened.store().isClosed() || opened.store().isReadOnly()) {
                    throw new HubException(ErrorCode.ServiceUnavailable, "The hub cannot store changes right now: "
                            + "a write to its data directory failed (a full disk?). It stores them again once there "
                            + "is room.");
                }
            }
            try {
                change.accept(opened);
            } catch (MVStoreException e) {
                throw unavailable(e);
            }
            Change made = new Change();
            uncommitted.add(made);
            return made;
        }
    }

    /**
     * Returns once a commit holds {@code change}, or throws the hub's 503 if the commit failed. While one writer
     * commits, the others make their changes and queue for the next commit, which the first of them writes for
     * all. A failed commit (a full disk) fails every change it held; MVStore has then closed the file, which is
     * opened again as it was before them, and writes resume when there is room.
     */
    private void awaitCommitted(Change change) {
        synchronized (commits) {
            if (change.durable == null) {
                synchronized (changes) {
                    List<Change> batch = uncommitted;
                    uncommitted = new ArrayList<>();
                    if (!hasRoom()) {
                        // Refused before writing: a commit that fails part-way on a full disk can damage what the
                        // last commit left (with no retention time MVStore reuses space at once), so it is never tried.
                        opened.store().rollback();
                        batch.forEach(made -> made.durable = false);
                        refusedWrites.warn("The disk of {} has less than {} MiB free: {} changes refused", directory,
                                ROOM_NEEDED / (1024 * 1024), batch.size());
                    } else {
                        try {
                            long version = opened.store().commit();
                            if (version >= 0) { // else nothing changed, and nothing was written
                                committedVersion.record(version);
                            }
                            batch.forEach(made -> made.durable = true);
                        } catch (MVStoreException e) {
                            batch.forEach(made -> made.durable = false);
                            log.warn("A write to {} failed, and with it {} changes not yet stored: {}",
                                    directory.resolve(FILE_NAME), batch.size(), causeOf(e));
                            openReadOnly();
                        }
                    }
                }
            }
        }
        if (!change.durable) {
            throw new HubException(ErrorCode.ServiceUnavailable, "The hub could not store the change: a write to its "
                    + "data directory failed. It stores changes again once the disk has room.");
        }
        Opened o = opened;
        if (o.compactor() != null) {
            o.compactor().committed();
        }
    }

    /** Opens the file again, as its last commit left it: read-write if possible, else read-only, to serve reads. */
    /** Whether the data directory's disk has {@link #ROOM_NEEDED} bytes free, as a commit may need. */
    private boolean hasRoom() {
        try {
            return Files.getFileStore(directory).getUsableSpace() >= ROOM_NEEDED;
        } catch (IOException e) {
            return true; // cannot tell: the commit says
        }
    }

    /**
     * After a failed commit, the file as its last commit left it, read-only: reads go on, and nothing is written
     * while the disk may still be full (MVStore opening a file read-write on a full disk was seen to lose the
     * last commits that reached it).
     */
    private void openReadOnly() {
        opened.close();
        Path file = directory.resolve(FILE_NAME);
        try {
            opened = Opened.of(builder(file).readOnly().open());
        } catch (MVStoreException e) {
            log.error("{} cannot be opened again: {}", file, causeOf(e));
        }
    }

    /**
     * Opens the file read-write again, if the disk has room ({@link #hasRoom}) and the file opens at no older a
     * version than the read-only view had; else stays
     * read-only, and the write that asked is refused with the hub's 503.
     */
    private void resumeWriting() {
        Path file = directory.resolve(FILE_NAME);
        long seen = opened.store().isClosed() ? -1 : opened.store().getCurrentVersion();
        if (!hasRoom()) {
            return; // still no room
        }
        opened.close();
        try {
            MVStore writable = builder(file).open();
            if (writable.getCurrentVersion() < seen) {
                writable.closeImmediately();
                log.error("{} opened read-write at version {}, older than the {} it had: left read-only", file,
                        writable.getCurrentVersion(), seen);
                openReadOnly();
                return;
            }
            opened = Opened.of(writable);
            log.info("{} writable again", file);
        } catch (MVStoreException e) {
            openReadOnly();
        }
    }

    private HubException unavailable(MVStoreException e) {
        return new HubException(ErrorCode.ServiceUnavailable, "The hub cannot reach its store right now ("
                + causeOf(e) + ").");
    }

    /** The innermost cause's message: "No space left on device", rather than MVStore's wrapping. */
    private static String causeOf(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }

    /** The keys of a device's modules in {@code map}: from {@code d/} up to, not including, {@code d0}. */
    private static List<String> moduleKeys(MVMap<String, ?> map, String deviceId) {
        return keys(map, StoreKeys.modulesFrom(deviceId), StoreKeys.modulesTo(deviceId));
    }

    /** The keys in {@code map} from {@code from} up to, not including, {@code to}. */
    private static List<String> keys(MVMap<String, ?> map, String from, String to) {
        List<String> keys = new ArrayList<>();
        // a cursor's upper bound is inclusive, and modulesTo may be a device's own key: stop before it
        Cursor<String, ?> cursor = map.cursor(from);
        while (cursor.hasNext() && cursor.next().compareTo(to) < 0) {
            keys.add(cursor.getKey());
        }
        return keys;
    }

    @Override
    public void close() {
        Opened o = opened;
        if (o.compactor() != null) {
            o.compactor().close();
        }
        boolean written;
        synchronized (commits) {
            synchronized (changes) {
                // after a failed write, there is nothing new to keep: every change since failed too; and on a
                // full disk, compacting could damage what the last commit left, which holds every change
                // acknowledged, so the file is left as it is
                boolean writable = !o.store().isClosed() && !o.store().isReadOnly();
                written = writable && hasRoom();
                if (written) {
                    o.store().close(FULL_COMPACTION);
                } else {
                    if (writable) {
                        log.warn("The disk of {} has less than {} MiB free: the store closes as its last commit"
                                + " left it, without compacting", directory, ROOM_NEEDED / (1024 * 1024));
                    }
                    o.close();
                }
            }
        }
        if (written) {
            versionOnDisk().ifPresent(committedVersion::record);
        }
        committedVersion.close();
    }

    /**
     * The version the file holds, read back as the next open will read it: after a store was opened again (a full
     * disk), the version counted in memory is not the one on disk; a full compaction commits too.
     */
    private OptionalLong versionOnDisk() {
        try {
            MVStore written = builder(directory.resolve(FILE_NAME)).readOnly().open();
            long version = written.getCurrentVersion();
            written.close();
            return OptionalLong.of(version);
        } catch (MVStoreException e) {
            log.error("{} cannot be read back after closing: {}", directory.resolve(FILE_NAME), causeOf(e));
            return OptionalLong.empty();
        }
    }
}
