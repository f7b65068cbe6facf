package dev.iothub.emulator.registry;

import dev.iothub.emulator.auth.Keys;
import dev.iothub.emulator.error.ErrorCode;
import dev.iothub.emulator.error.HubException;
import dev.iothub.emulator.store.HubStore;
import dev.iothub.emulator.twin.Twin;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The identity registry: devices and their modules, each with its twin. Writes are serialised here so
 * that every read-modify-write (etag checks, 409s, twin merges) sees the state it changes.
 */
public final class IdentityRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HubStore store;
    private final ConnectionStates connections;
    private final Clock clock;
    private final Object writeLock = new Object();
    private final List<Consumer<IdentityId>> deletionListeners = new CopyOnWriteArrayList<>();

    public IdentityRegistry(HubStore store, ConnectionStates connections, Clock clock) {
        this.store = store;
        this.connections = connections;
        this.clock = clock;
    }

    public Identity get(IdentityId id) {
        IdentityIds.check(id);
        return store.find(id).orElseThrow(() -> notFound(id));
    }

    public List<Identity> modules(String deviceId) {
        get(IdentityId.device(deviceId));
        return store.modules(deviceId);
    }

    /** Hears of each deleted identity (a device's modules go with it), to drop what is connected as it. */
    public void addDeletionListener(Consumer<IdentityId> listener) {
        deletionListeners.add(listener);
    }

    public ConnectionStates connections() {
        return connections;
    }

    /** Creates an identity from {@code draft}; the hub fills in what a create leaves empty. */
    public Identity create(Identity draft) {
        IdentityIds.check(draft.id());
        synchronized (writeLock) {
            if (store.find(draft.id()).isPresent()) {
                throw draft.id().isModule()
                        ? new HubException(ErrorCode.ModuleAlreadyExistsOnDevice,
                                "A module with ID '" + draft.id().moduleId() + "' already exists on device '"
                                        + draft.id().deviceId() + "'.")
                        : new HubException(ErrorCode.DeviceAlreadyExists,
                                "A device with ID '" + draft.id().deviceId() + "' is already registered.");
            }
            if (draft.id().isModule() && store.find(draft.id().deviceOnly()).isEmpty()) {
                throw notFound(draft.id().deviceOnly());
            }
            Identity created = new Identity(draft.id(), newGenerationId(), ETags.next(), draft.status(),
                    draft.statusReason(), clock.instant(), withKeys(draft.authentication()), draft.managedBy(),
                    draft.iotEdge(), draft.deviceScope(), draft.parentScopes(), Twin.empty());
            store.put(created);
            return created;
        }
    }

    /** Updates an existing identity's settings; its generation id and twin stay. */
    public Identity update(Identity draft, String ifMatch) {
        IdentityIds.check(draft.id());
        synchronized (writeLock) {
            Identity current = store.find(draft.id()).orElseThrow(() -> notFound(draft.id()));
            ETags.checkIfMatch(ifMatch, current.etag(), true);
            boolean statusChanged = !Objects.equals(current.status(), draft.status());
            Identity updated = new Identity(current.id(), current.generationId(), ETags.next(), draft.status(),
                    draft.statusReason(), statusChanged ? clock.instant() : current.statusUpdatedTime(),
                    withKeys(draft.authentication()), draft.managedBy(), draft.iotEdge(), draft.deviceScope(),
                    draft.parentScopes(), current.twin());
            store.put(updated);
            return updated;
        }
    }

    public void delete(IdentityId id, String ifMatch) {
        IdentityIds.check(id);
        synchronized (writeLock) {
            Identity current = store.find(id).orElseThrow(() -> notFound(id));
            ETags.checkIfMatch(ifMatch, current.etag(), true);
            store.delete(id);
            connections.forget(id);
        }
        deletionListeners.forEach(listener -> listener.accept(id));
    }

    /**
     * Changes a twin under the write lock. {@code afterWrite} runs once the change is stored, still
     * under the lock, so that notifications leave in version order.
     */
    public Identity updateTwin(IdentityId id, UnaryOperator<Twin> change, Consumer<Identity> afterWrite) {
        IdentityIds.check(id);
        synchronized (writeLock) {
            Identity current = store.find(id).orElseThrow(() -> notFound(id));
            Identity updated = current.withTwin(change.apply(current.twin()));
            store.put(updated);
            afterWrite.accept(updated);
            return updated;
        }
    }

    public static HubException notFound(IdentityId id) {
        return id.isModule()
                ? new HubException(ErrorCode.ModuleNotFound,
                        "Module '" + id.moduleId() + "' on device '" + id.deviceId() + "' not found.")
                : new HubException(ErrorCode.DeviceNotFound, "Device '" + id.deviceId() + "' not found.");
    }

    private static Authentication withKeys(Authentication given) {
        if (given == null || given.isSas() || given.type() == null) {
            String primary = given == null ? null : given.primaryKey();
            String secondary = given == null ? null : given.secondaryKey();
            return Authentication.sas(blank(primary) ? Keys.generate() : checkedKey(primary),
                    blank(secondary) ? Keys.generate() : checkedKey(secondary));
        }
        return given;
    }

    private static String checkedKey(String key) {
        if (!Keys.isValid(key)) {
            throw HubException.badFormat("The symmetric key is not a valid base64 key of 16 to 64 bytes.");
        }
        return key;
    }

    private static boolean blank(String s) {
        return s == null || s.isEmpty();
    }

    /** Generation ids on the hub are 18-digit numbers that tell apart identities of the same id over time. */
    private static String newGenerationId() {
        return Long.toString(100_000_000_000_000_000L + Math.floorMod(RANDOM.nextLong(), 900_000_000_000_000_000L));
    }
}
