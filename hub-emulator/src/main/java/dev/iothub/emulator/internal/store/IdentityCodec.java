package dev.iothub.emulator.internal.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.model.Authentication;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.model.Twin;
import dev.iothub.emulator.internal.model.TwinProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An identity as stored on disk: one JSON object, written and read field by field so that the file
 * format is spelled out here rather than implied by the records. Reading only looks up the fields it
 * knows, so a field added by a later version is ignored; a missing one reads as null (or its default).
 * Times are ISO-8601 strings ({@link Instant#toString()}).
 */
final class IdentityCodec {
    /** The file format's own mapper: what the hub's APIs accept or write must not change what is stored. */
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IdentityCodec() {
    }

    static byte[] encode(Identity identity) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("deviceId", identity.id().deviceId());
        node.put("moduleId", identity.id().moduleId());
        node.put("generationId", identity.generationId());
        node.put("etag", identity.etag());
        node.put("status", identity.status());
        node.put("statusReason", identity.statusReason());
        node.put("statusUpdatedTime", identity.statusUpdatedTime() == null ? null : identity.statusUpdatedTime().toString());
        node.set("authentication", encode(identity.authentication()));
        node.put("managedBy", identity.managedBy());
        node.put("iotEdge", identity.iotEdge());
        node.put("deviceScope", identity.deviceScope());
        ArrayNode parentScopes = node.putArray("parentScopes");
        identity.parentScopes().forEach(parentScopes::add);
        node.set("twin", encode(identity.twin()));
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException("a JSON tree always serialises", e);
        }
    }

    static Identity decode(byte[] json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("a stored identity is not valid JSON", e);
        }
        String statusUpdatedTime = text(node, "statusUpdatedTime");
        List<String> parentScopes = new ArrayList<>();
        node.path("parentScopes").forEach(scope -> parentScopes.add(scope.asText()));
        return new Identity(
                new IdentityId(text(node, "deviceId"), text(node, "moduleId")),
                text(node, "generationId"),
                text(node, "etag"),
                text(node, "status"),
                text(node, "statusReason"),
                statusUpdatedTime == null ? null : Instant.parse(statusUpdatedTime),
                decodeAuthentication(node.get("authentication")),
                text(node, "managedBy"),
                node.path("iotEdge").asBoolean(false),
                text(node, "deviceScope"),
                parentScopes,
                decodeTwin(node.get("twin")));
    }

    private static JsonNode encode(Authentication authentication) {
        if (authentication == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", authentication.type());
        node.put("primaryKey", authentication.primaryKey());
        node.put("secondaryKey", authentication.secondaryKey());
        node.put("primaryThumbprint", authentication.primaryThumbprint());
        node.put("secondaryThumbprint", authentication.secondaryThumbprint());
        return node;
    }

    private static Authentication decodeAuthentication(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        return new Authentication(text(node, "type"), text(node, "primaryKey"), text(node, "secondaryKey"),
                text(node, "primaryThumbprint"), text(node, "secondaryThumbprint"));
    }

    private static JsonNode encode(Twin twin) {
        if (twin == null) {
            return JsonNodeFactory.instance.nullNode();
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set("tags", twin.tags());
        node.set("desired", encode(twin.desired()));
        node.set("reported", encode(twin.reported()));
        node.put("version", twin.version());
        node.put("modelId", twin.modelId());
        return node;
    }

    private static Twin decodeTwin(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        // identities stored before model ids were kept have none
        return new Twin(objectOrEmpty(node, "tags"), decodeProperties(node.get("desired")),
                decodeProperties(node.get("reported")), node.path("version").asLong(1), text(node, "modelId"));
    }

    private static ObjectNode encode(TwinProperties properties) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set("values", properties.values());
        node.set("metadata", properties.metadata());
        node.put("version", properties.version());
        return node;
    }

    private static TwinProperties decodeProperties(JsonNode node) {
        if (node == null || !node.isObject()) {
            return TwinProperties.empty();
        }
        return new TwinProperties(objectOrEmpty(node, "values"), objectOrEmpty(node, "metadata"),
                node.path("version").asLong(1));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static ObjectNode objectOrEmpty(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isObject() ? (ObjectNode) value : JsonNodeFactory.instance.objectNode();
    }
}
