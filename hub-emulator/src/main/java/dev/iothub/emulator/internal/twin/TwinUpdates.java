package dev.iothub.emulator.internal.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Twin;
import dev.iothub.emulator.internal.model.TwinProperties;
import java.time.Instant;
import java.util.Map;

/**
 * How the hub changes a twin. A patch merges (nested objects merge, {@code null} deletes a key), a
 * replacement starts over; each change stamps {@code $metadata} and moves the versions on: the side's
 * {@code $version} by one per change and the twin's {@code version} by one per write.
 * Desired metadata carries {@code $lastUpdatedVersion}; reported metadata only {@code $lastUpdated}.
 */
public final class TwinUpdates {
    static final String LAST_UPDATED = "$lastUpdated";
    static final String LAST_UPDATED_VERSION = "$lastUpdatedVersion";

    private TwinUpdates() {
    }

    /** Merges what is given (either may be null) into tags and desired properties. */
    public static Twin patch(Twin twin, ObjectNode tagsPatch, ObjectNode desiredPatch, Instant now) {
        ObjectNode tags = twin.tags();
        if (tagsPatch != null) {
            tags = tags.deepCopy();
            mergeValues(tags, tagsPatch);
        }
        TwinProperties desired = desiredPatch == null
                ? twin.desired()
                : merge(twin.desired(), desiredPatch, now, true);
        return new Twin(tags, desired, twin.reported(), twin.version() + 1, twin.modelId());
    }

    /** Replaces tags and desired properties with what is given; reported properties belong to the device. */
    public static Twin replace(Twin twin, ObjectNode tags, ObjectNode desired, Instant now) {
        long version = twin.desired().version() + 1;
        ObjectNode values = withoutNulls(desired);
        ObjectNode metadata = stamp(JsonNodeFactory.instance.objectNode(), now, version, true);
        values.fields().forEachRemaining(e -> metadata.set(e.getKey(), freshMetadata(e.getValue(), now, version, true)));
        return new Twin(withoutNulls(tags), new TwinProperties(values, metadata, version), twin.reported(),
                twin.version() + 1, twin.modelId());
    }

    /** Merges a device's reported-properties patch. */
    public static Twin patchReported(Twin twin, ObjectNode reportedPatch, Instant now) {
        return new Twin(twin.tags(), twin.desired(), merge(twin.reported(), reportedPatch, now, false),
                twin.version() + 1, twin.modelId());
    }

    private static TwinProperties merge(TwinProperties side, ObjectNode patch, Instant now, boolean desired) {
        long version = side.version() + 1;
        ObjectNode values = side.values().deepCopy();
        ObjectNode metadata = side.metadata().deepCopy();
        mergeWithMetadata(values, metadata, patch, now, version, desired);
        stamp(metadata, now, version, desired);
        return new TwinProperties(values, metadata, version);
    }

    private static void mergeWithMetadata(ObjectNode values, ObjectNode metadata, ObjectNode patch,
                                          Instant now, long version, boolean desired) {
        for (Map.Entry<String, JsonNode> entry : iterable(patch)) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            JsonNode existing = values.get(key);
            if (value.isNull()) {
                values.remove(key);
                metadata.remove(key);
            } else if (value.isObject() && existing != null && existing.isObject()) {
                JsonNode existingMetadata = metadata.get(key);
                ObjectNode childMetadata = existingMetadata != null && existingMetadata.isObject()
                        ? (ObjectNode) existingMetadata
                        : metadata.putObject(key);
                mergeWithMetadata((ObjectNode) existing, childMetadata, (ObjectNode) value, now, version, desired);
                stamp(childMetadata, now, version, desired);
            } else {
                JsonNode stored = value.isObject() ? withoutNulls((ObjectNode) value) : value;
                values.set(key, stored);
                metadata.set(key, freshMetadata(stored, now, version, desired));
            }
        }
    }

    private static void mergeValues(ObjectNode values, ObjectNode patch) {
        for (Map.Entry<String, JsonNode> entry : iterable(patch)) {
            JsonNode value = entry.getValue();
            JsonNode existing = values.get(entry.getKey());
            if (value.isNull()) {
                values.remove(entry.getKey());
            } else if (value.isObject() && existing != null && existing.isObject()) {
                mergeValues((ObjectNode) existing, (ObjectNode) value);
            } else {
                values.set(entry.getKey(), value.isObject() ? withoutNulls((ObjectNode) value) : value);
            }
        }
    }

    private static ObjectNode freshMetadata(JsonNode value, Instant now, long version, boolean desired) {
        ObjectNode metadata = stamp(JsonNodeFactory.instance.objectNode(), now, version, desired);
        if (value.isObject()) {
            value.fields().forEachRemaining(e -> metadata.set(e.getKey(), freshMetadata(e.getValue(), now, version, desired)));
        }
        return metadata;
    }

    private static ObjectNode stamp(ObjectNode metadata, Instant now, long version, boolean desired) {
        metadata.put(LAST_UPDATED, Json.timestamp(now));
        if (desired) {
            metadata.put(LAST_UPDATED_VERSION, version);
        }
        return metadata;
    }

    /** A copy without null members: a null only ever means "delete", so it is never stored. */
    private static ObjectNode withoutNulls(ObjectNode node) {
        ObjectNode copy = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> entry : iterable(node)) {
            JsonNode value = entry.getValue();
            if (!value.isNull()) {
                copy.set(entry.getKey(), value.isObject() ? withoutNulls((ObjectNode) value) : value.deepCopy());
            }
        }
        return copy;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(ObjectNode node) {
        return node::fields;
    }
}
