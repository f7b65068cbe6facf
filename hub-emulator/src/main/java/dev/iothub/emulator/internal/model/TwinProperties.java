package dev.iothub.emulator.internal.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One side of a twin's properties, desired or reported: the values, their {@code $metadata} tree and
 * the side's {@code $version}. Treated as immutable: updates copy.
 */
public record TwinProperties(ObjectNode values, ObjectNode metadata, long version) {

    /** A new twin's side: no values, and {@code $metadata} holding only when it was made. */
    public static TwinProperties created(String lastUpdated) {
        ObjectNode metadata = JsonNodeFactory.instance.objectNode();
        metadata.put("$lastUpdated", lastUpdated);
        return new TwinProperties(JsonNodeFactory.instance.objectNode(), metadata, 1);
    }

    /** A side with nothing at all: what a stored twin without one reads as. */
    public static TwinProperties empty() {
        return new TwinProperties(JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), 1);
    }
}
