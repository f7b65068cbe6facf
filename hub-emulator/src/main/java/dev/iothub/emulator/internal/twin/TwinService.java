package dev.iothub.emulator.internal.twin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.model.Twin;
import dev.iothub.emulator.internal.registry.ETags;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Reads and changes twins, and tells listeners of every desired change (the device connections) and of every change
 * (the hub's twin change notifications).
 */
public final class TwinService {

    /** Hears each desired-properties change once it is durable, in version order per identity. */
    @FunctionalInterface
    public interface DesiredPropertiesListener {
        /** {@code patch} is what the device gets: the change, with {@code $version} set to the new version. */
        void desiredChanged(IdentityId id, ObjectNode patch);
    }

    /** Hears each change of tags, desired or reported properties once it is durable, in version order per identity. */
    @FunctionalInterface
    public interface TwinChangeListener {
        /** {@code body}: what the hub's notification shows ({@link TwinChanges}); whether the twin was replaced. */
        void twinChanged(IdentityId id, boolean replaced, ObjectNode body);
    }

    private final IdentityRegistry registry;
    private final Clock clock;
    private final List<DesiredPropertiesListener> listeners = new CopyOnWriteArrayList<>();
    private final List<TwinChangeListener> changeListeners = new CopyOnWriteArrayList<>();

    public TwinService(IdentityRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    public void addListener(DesiredPropertiesListener listener) {
        listeners.add(listener);
    }

    public void addChangeListener(TwinChangeListener listener) {
        changeListeners.add(listener);
    }

    public Identity get(IdentityId id) {
        return registry.get(id);
    }

    /**
     * A service PATCH: merges the body's tags and desired properties. A null {@code properties.desired} removes
     * every desired property, and the device hears of it as a patch setting each of them to null.
     */
    public Identity patch(IdentityId id, ObjectNode body, String ifMatch) {
        ObjectNode tags = TwinJson.tags(body);
        ObjectNode desired = TwinJson.desired(body);
        boolean removeDesired = TwinJson.removesDesired(body);
        return registry.updateTwin(id, twin -> {
            ETags.checkIfMatch(ifMatch, twin.etag(), false);
            ObjectNode desiredPatch = removeDesired ? TwinJson.removing(twin.desired().values()) : desired;
            return checked(TwinUpdates.patch(twin, tags, desiredPatch, clock.instant()), tags != null,
                    desiredPatch != null, false);
        }, (before, after) -> {
            ObjectNode applied = removeDesired ? TwinJson.removing(before.twin().desired().values()) : desired;
            if (applied != null) {
                notifyDesired(id, TwinJson.withVersion(applied, after.twin().desired().version()));
            }
            if (applied != null || tags != null) {
                notifyChange(id, false, () -> TwinChanges.updated(after, tags, applied));
            }
        });
    }

    /** A service PUT: the body's tags and desired properties replace the twin's. */
    public Identity replace(IdentityId id, ObjectNode body, String ifMatch) {
        ObjectNode tags = TwinJson.tags(body);
        ObjectNode desired = TwinJson.desired(body);
        return registry.updateTwin(id, twin -> {
            ETags.checkIfMatch(ifMatch, twin.etag(), false);
            return checked(TwinUpdates.replace(twin, tags == null ? Json.object() : tags,
                    desired == null ? Json.object() : desired, clock.instant()), true, true, false);
        }, (before, after) -> {
            notifyDesired(id, TwinJson.withVersion(after.twin().desired().values(), after.twin().desired().version()));
            notifyChange(id, true, () -> TwinChanges.whole(after));
        });
    }

    /** A device's reported-properties patch; answers the new reported {@code $version}. */
    public long patchReported(IdentityId id, ObjectNode patch) {
        ObjectNode reported = TwinJson.propertiesPatch("properties.reported", patch);
        Identity updated = registry.updateTwin(id,
                twin -> checked(TwinUpdates.patchReported(twin, reported, clock.instant()), false, false, true),
                (before, after) -> notifyChange(id, false, () -> TwinChanges.reported(after, reported)));
        return updated.twin().reported().version();
    }

    /**
     * Records the IoT Plug and Play model that {@code id} announced as it connected: a new one replaces the one before,
     * and none (null or empty) leaves it, as the hub keeps the last one announced. Returns once durable, so that
     * the hub's answer (MQTT's CONNACK, AMQP's attach) comes only when the service can read the model.
     */
    public void announceModel(IdentityId id, String modelId) {
        if (modelId == null || modelId.isEmpty()
                || registry.find(id).map(identity -> modelId.equals(identity.twin().modelId())).orElse(true)) {
            return; // most connections announce the model they announced before: no write
        }
        try {
            registry.updateTwin(id, twin -> twin.withModelId(modelId), (before, after) -> { });
        } catch (HubException e) {
            if (registry.find(id).isPresent()) {
                throw e;
            }
            // deleted since it connected: its connection ends with it, and no twin is left to show the model
        }
    }

    /**
     * Checks the size of each section a change touched. The others were checked when they last changed, and
     * measuring a section means serialising it: a desired patch need not pay for the reported properties.
     */
    private static Twin checked(Twin twin, boolean tagsChanged, boolean desiredChanged, boolean reportedChanged) {
        if (tagsChanged) {
            TwinLimits.checkSize("tags", twin.tags(), TwinLimits.MAX_TAGS_BYTES);
        }
        if (desiredChanged) {
            TwinLimits.checkSize("properties.desired", twin.desired().values(), TwinLimits.MAX_PROPERTIES_BYTES);
        }
        if (reportedChanged) {
            TwinLimits.checkSize("properties.reported", twin.reported().values(), TwinLimits.MAX_PROPERTIES_BYTES);
        }
        return twin;
    }

    /** {@code body} is made only if someone listens: most hubs route no twin change. */
    private void notifyChange(IdentityId id, boolean replaced, Supplier<ObjectNode> body) {
        if (changeListeners.isEmpty()) {
            return;
        }
        ObjectNode made = body.get();
        for (TwinChangeListener listener : changeListeners) {
            listener.twinChanged(id, replaced, made);
        }
    }

    private void notifyDesired(IdentityId id, ObjectNode patch) {
        for (DesiredPropertiesListener listener : listeners) {
            listener.desiredChanged(id, patch);
        }
    }
}
