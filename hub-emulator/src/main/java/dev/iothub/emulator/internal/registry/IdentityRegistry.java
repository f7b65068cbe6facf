package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.auth.Keys;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Authentication;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.model.Twin;
import dev.iothub.emulator.internal.store.HubStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The identity registry: devices and their modules, each with its twin. Writes are serialised here so
 * that every read-modify-write (etag checks, 409s, twin merges) sees the state it changes. A write is
 * made under the lock but its commit is waited for outside it, so that concurrent writes share commits;
 * a call returns only once its write is durable.
 */
public final class IdentityRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HubStore store;
    private final ConnectionStates connections;
    private final Clock clock;
    private final Object writeLock = new Object();
    private final List<Consumer<IdentityId>> deletionListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<IdentityId>> disablingListeners = new CopyOnWriteArrayList<>();
    private final List<LifecycleListener> lifecycleListeners = new CopyOnWriteArrayList<>();
    private final DurableOrder afterDurable = new DurableOrder();

    /** Hears of each identity created, once durable, and of each deleted (a device, not the modules that go with it). */
    public interface LifecycleListener {
        void created(Identity identity);

        /** {@code identity} as it was last stored. */
        void deleted(Identity identity);
    }

    public IdentityRegistry(HubStore store, ConnectionStates connections, Clock clock) {
        this.store = store;
        this.connections = connections;
        this.clock = clock;
    }

    public Identity get(IdentityId id) {
        return find(id).orElseThrow(() -> notFound(id));
    }

    /** The identity of {@code id}, if there is one. */
    public Optional<Identity> find(IdentityId id) {
        IdentityIds.check(id);
        return store.find(id);
    }

    /** The first {@code max} devices, in id order. */
    public List<Identity> devices(int max) {
        return store.devices(max);
    }

    /** {@code id}'s identity, created first with generated keys if there is none (a module's device too). */
    public Identity getOrCreate(IdentityId id) {
        if (id.isModule()) {
            getOrCreate(id.deviceOnly());
        }
        Optional<Identity> found = find(id);
        if (found.isPresent()) {
            return found.get();
        }
        try {
            return create(new Identity(id, null, null, Identity.ENABLED, null, null, null, null, false, null,
                    List.of(), null));
        } catch (HubException e) {
            return get(id); // created meanwhile by someone else; anything else is rethrown by get
        }
    }

    /** Deletes every device, and so every module: their twins and sessions go with them, their connections end. */
    public void deleteAll() {
        for (Identity device : store.devices(Integer.MAX_VALUE)) {
            try {
                delete(device.id(), null);
            } catch (HubException e) {
                // deleted meanwhile
            }
        }
    }

    public List<Identity> modules(String deviceId) {
        get(IdentityId.device(deviceId));
        return store.modules(deviceId);
    }

    /** Hears of each deleted identity (a device's modules go with it), to drop what is connected as it. */
    public void addDeletionListener(Consumer<IdentityId> listener) {
        deletionListeners.add(listener);
    }

    /** Hears of each device disabled (its modules with it), to drop what is connected as it. */
    public void addDisablingListener(Consumer<IdentityId> listener) {
        disablingListeners.add(listener);
    }

    public void addLifecycleListener(LifecycleListener listener) {
        lifecycleListeners.add(listener);
    }

    public ConnectionStates connections() {
        return connections;
    }

    /** Creates an identity from {@code draft}; the hub fills in what a create leaves empty. */
    public Identity create(Identity draft) {
        IdentityDrafts.check(draft);
        Identity created;
        HubStore.Pending written;
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
            Instant now = clock.instant();
            created = DeviceScopes.settled(new Identity(draft.id(), newGenerationId(), ETags.next(), draft.status(),
                    draft.statusReason(), now, withKeys(draft.authentication()), draft.managedBy(),
                    draft.iotEdge(), draft.deviceScope(), draft.parentScopes(), Twin.created(Json.timestamp(now))), null);
            written = store.putPending(created);
        }
        written.awaitDurable();
        lifecycleListeners.forEach(listener -> listener.created(created));
        return created;
    }

    /** Updates an existing identity's settings; its generation id and twin stay. */
    public Identity update(Identity draft, String ifMatch) {
        IdentityDrafts.check(draft);
        Identity current;
        Identity updated;
        HubStore.Pending written;
        synchronized (writeLock) {
            current = store.find(draft.id()).orElseThrow(() -> notFound(draft.id()));
            ETags.checkIfMatch(ifMatch, current.etag(), true);
            boolean statusChanged = !Objects.equals(current.status(), draft.status());
            updated = DeviceScopes.settled(new Identity(current.id(), current.generationId(), ETags.next(),
                    draft.status(), draft.statusReason(), statusChanged ? clock.instant() : current.statusUpdatedTime(),
                    withKeys(draft.authentication()), draft.managedBy(), draft.iotEdge(), draft.deviceScope(),
                    draft.parentScopes(), current.twin()), current);
            written = store.putPending(updated);
        }
        written.awaitDurable();
        if (!updated.enabled() && current.enabled()) {
            disablingListeners.forEach(listener -> listener.accept(updated.id()));
        }
        return updated;
    }

    public void delete(IdentityId id, String ifMatch) {
        IdentityIds.check(id);
        Identity current;
        synchronized (writeLock) {
            current = store.find(id).orElseThrow(() -> notFound(id));
            ETags.checkIfMatch(ifMatch, current.etag(), true);
            store.delete(id);
            connections.forget(id);
        }
        deletionListeners.forEach(listener -> listener.accept(id));
        lifecycleListeners.forEach(listener -> listener.deleted(current));
    }

    /**
     * Refuses scopes that name no IoT Edge device of this hub: a leaf's {@code deviceScope}, an edge device's
     * {@code parentScopes}. The hub checks a PUT so; a bulk import takes scopes as given.
     */
    public void checkScopes(Identity draft) {
        List<String> named = draft.iotEdge() ? draft.parentScopes()
                : draft.deviceScope() == null || draft.deviceScope().isEmpty() ? List.of() : List.of(draft.deviceScope());
        for (String scope : named) {
            String edge = DeviceScopes.edgeDeviceOf(scope);
            boolean known = edge != null && IdentityId.isValidId(edge) && store.find(IdentityId.device(edge))
                    .filter(device -> device.iotEdge() && scope.equals(device.deviceScope())).isPresent();
            if (!known) {
                throw HubException.badFormat("The scope '" + scope + "' is not the scope of an IoT Edge device of this hub.");
            }
        }
    }

    /** What is kept of {@code id}'s persistent session while it is away (the device side decides what), if any. */
    public Optional<String> keptSession(IdentityId id) {
        return store.session(id);
    }

    /**
     * Keeps {@code session} for {@code id}, or forgets what was kept (null); returns once durable. Nothing is kept
     * for an identity that is gone: its session went with it, and a new identity of its id starts afresh.
     */
    public void keepSession(IdentityId id, String session) {
        synchronized (writeLock) { // a session write is rare (a subscription), so it need not share commits
            if (store.find(id).isPresent()) {
                store.putSession(id, session);
            }
        }
    }

    /**
     * Changes a twin under the write lock and returns once the change is durable. {@code whenDurable} then
     * gets the identity before and after the change, in the order of the changes: a device never hears of a
     * change that a crash could take back, and hears of a twin's versions in order.
     */
    public Identity updateTwin(IdentityId id, UnaryOperator<Twin> change, BiConsumer<Identity, Identity> whenDurable) {
        IdentityIds.check(id);
        Identity updated;
        HubStore.Pending written;
        long ticket;
        synchronized (writeLock) {
            Identity current = store.find(id).orElseThrow(() -> notFound(id));
            Identity changed = current.withTwin(change.apply(current.twin()));
            written = store.putPending(changed);
            ticket = afterDurable.add(() -> whenDurable.accept(current, changed));
            updated = changed;
        }
        try {
            written.awaitDurable();
        } catch (HubException e) {
            afterDurable.cancel(ticket); // a change the store did not take is told to no one
            throw e;
        }
        afterDurable.runThrough(ticket);
        return updated;
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
