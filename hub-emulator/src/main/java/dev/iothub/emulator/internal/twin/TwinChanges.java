package dev.iothub.emulator.internal.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.TwinProperties;
import java.util.Map;

/**
 * The bodies of the hub's twin change notifications and lifecycle events: an update shows the twin's new
 * {@code version} and what the change patched (nulls kept), with the patched keys' {@code $metadata} and the side's
 * new {@code $version}; a replacement, a creation and a deletion show the whole twin.
 */
public final class TwinChanges {
    private TwinChanges() {
    }

    /** A service PATCH of {@code tags} and {@code desired} (either may be null) that made {@code after}. */
    public static ObjectNode updated(Identity after, ObjectNode tags, ObjectNode desired) {
        ObjectNode body = Json.object();
        body.put("version", after.twin().version());
        if (tags != null) {
            body.set("tags", tags.deepCopy());
        }
        if (desired != null) {
            body.putObject("properties").set("desired", patched(desired, after.twin().desired()));
        }
        return body;
    }

    /** A device's reported-properties patch that made {@code after}. */
    public static ObjectNode reported(Identity after, ObjectNode patch) {
        ObjectNode body = Json.object();
        body.put("version", after.twin().version());
        body.putObject("properties").set("reported", patched(patch, after.twin().reported()));
        return body;
    }

    /** The whole twin of {@code identity}: its ids, etag, version, tags (if any) and both sides with metadata. */
    public static ObjectNode whole(Identity identity) {
        ObjectNode body = Json.object();
        body.put("deviceId", identity.id().deviceId());
        if (identity.id().isModule()) {
            body.put("moduleId", identity.id().moduleId());
        }
        body.put("etag", identity.twin().etag());
        body.put("version", identity.twin().version());
        TwinJson.putSections(body, identity.twin());
        return body;
    }

    private static ObjectNode patched(ObjectNode patch, TwinProperties side) {
        ObjectNode json = patch.deepCopy();
        json.set(TwinJson.METADATA, metadataOf(patch, side.metadata()));
        json.put(TwinJson.VERSION, side.version());
        return json;
    }

    /**
     * The metadata of what {@code patch} touched, from the side's metadata after the change, level by level: a key
     * removed has none left, so it gets the stamp of the level it was in, which the change wrote.
     */
    private static ObjectNode metadataOf(ObjectNode patch, JsonNode metadata) {
        ObjectNode json = stampOf(metadata);
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>) patch::fields) {
            JsonNode kept = metadata.get(entry.getKey());
            if (entry.getValue().isObject() && kept != null && kept.isObject()) {
                json.set(entry.getKey(), metadataOf((ObjectNode) entry.getValue(), kept));
            } else if (kept != null && !entry.getValue().isNull()) {
                json.set(entry.getKey(), kept.deepCopy());
            } else {
                json.set(entry.getKey(), stampOf(json));
            }
        }
        return json;
    }

    private static ObjectNode stampOf(JsonNode metadata) {
        ObjectNode stamp = Json.object();
        for (String field : new String[] {TwinUpdates.LAST_UPDATED, TwinUpdates.LAST_UPDATED_VERSION}) {
            if (metadata.has(field)) {
                stamp.set(field, metadata.get(field).deepCopy());
            }
        }
        return stamp;
    }
}
