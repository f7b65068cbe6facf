package dev.iothub.emulator.internal.model;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One side of a twin's properties, desired or reported: the values, their {@code $metadata} tree and
 * the side's {@code $version}. Treated as immutable: updates copy.
 */
public record TwinProperties(ObjectNode values, ObjectNode metadata, long version) {

    public static TwinProperties empty() {
        return new TwinProperties(JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), 1);
    }
}
