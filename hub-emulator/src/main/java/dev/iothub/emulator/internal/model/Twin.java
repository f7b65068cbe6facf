package dev.iothub.emulator.internal.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A twin's stored state. Treated as immutable: the twin package's {@code TwinUpdates} makes the changed copies.
 * {@code modelId} is the IoT Plug and Play model the identity last announced when it connected, empty if none.
 */
public record Twin(ObjectNode tags, TwinProperties desired, TwinProperties reported, long version, String modelId) {

    public Twin {
        modelId = modelId == null ? "" : modelId;
    }

    /**
     * A new identity's twin: no tags and no properties, both sides stamped with the time it was made
     * ({@code $lastUpdated}, in the hub's format), as the hub's are from the start.
     */
    public static Twin created(String lastUpdated) {
        return new Twin(JsonNodeFactory.instance.objectNode(), TwinProperties.created(lastUpdated),
                TwinProperties.created(lastUpdated), 1, "");
    }

    /** A model announced moves no version: the versions count changes of tags and properties. */
    public Twin withModelId(String newModelId) {
        return new Twin(tags, desired, reported, version, newModelId);
    }

    /** The hub's twin etag is the base64 of the twin version as eight big-endian bytes ({@code AAAAAAAAAAE=} for 1). */
    public String etag() {
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }
}
