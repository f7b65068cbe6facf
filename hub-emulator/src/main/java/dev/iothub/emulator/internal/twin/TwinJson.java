package dev.iothub.emulator.internal.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.Twin;
import dev.iothub.emulator.internal.model.TwinProperties;
import dev.iothub.emulator.internal.registry.ConnectionStates.ConnectionState;

/** Twins as the service REST API and the device's MQTT twin topics show them. */
public final class TwinJson {
    static final String VERSION = "$version";
    static final String METADATA = "$metadata";

    private TwinJson() {
    }

    /**
     * The full twin the service sees: identity fields, tags, and both property sides with metadata;
     * {@code cloudToDeviceMessages}: how many cloud-to-device messages wait for the identity.
     */
    public static ObjectNode write(Identity identity, ConnectionState connection, int cloudToDeviceMessages) {
        Twin twin = identity.twin();
        ObjectNode json = Json.object();
        json.put("deviceId", identity.id().deviceId());
        if (identity.id().isModule()) {
            json.put("moduleId", identity.id().moduleId());
        }
        json.put("etag", twin.etag());
        json.put("deviceEtag", identity.etag());
        json.put("status", identity.status());
        json.put("statusReason", identity.statusReason());
        json.put("statusUpdateTime", Json.timestamp(identity.statusUpdatedTime()));
        json.put("connectionState", connection.name());
        json.put("lastActivityTime", Json.timestamp(connection.lastActivity()));
        json.put("cloudToDeviceMessageCount", cloudToDeviceMessages);
        json.put("authenticationType", identity.authentication().type());
        ObjectNode thumbprint = json.putObject("x509Thumbprint");
        thumbprint.put("primaryThumbprint", identity.authentication().primaryThumbprint());
        thumbprint.put("secondaryThumbprint", identity.authentication().secondaryThumbprint());
        json.put("modelId", twin.modelId());
        json.put("version", twin.version());
        if (!identity.id().isModule()) {
            json.putObject("capabilities").put("iotEdge", identity.iotEdge());
        }
        putSections(json, twin);
        return json;
    }

    /** A twin's tags (if it has any) and both property sides with their metadata and versions, into {@code json}. */
    static void putSections(ObjectNode json, Twin twin) {
        if (!twin.tags().isEmpty()) {
            json.set("tags", twin.tags().deepCopy());
        }
        ObjectNode properties = json.putObject("properties");
        properties.set("desired", withMetadata(twin.desired()));
        properties.set("reported", withMetadata(twin.reported()));
    }

    /** What a device gets for {@code $iothub/twin/GET}: both sides with their versions, no metadata. */
    public static ObjectNode deviceDocument(Twin twin) {
        ObjectNode json = Json.object();
        json.set("desired", withVersion(twin.desired().values(), twin.desired().version()));
        json.set("reported", withVersion(twin.reported().values(), twin.reported().version()));
        return json;
    }

    public static ObjectNode withVersion(ObjectNode values, long version) {
        ObjectNode json = values.deepCopy();
        json.put(VERSION, version);
        return json;
    }

    private static ObjectNode withMetadata(TwinProperties side) {
        ObjectNode json = side.values().deepCopy();
        json.set(METADATA, side.metadata().deepCopy());
        json.put(VERSION, side.version());
        return json;
    }

    /** The {@code tags} of a service request body, or null if it has none to change. */
    public static ObjectNode tags(ObjectNode body) {
        JsonNode tags = body.get("tags");
        if (tags == null || tags.isNull()) {
            return null;
        }
        if (!tags.isObject()) {
            throw HubException.badFormat("tags must be a JSON object.");
        }
        ObjectNode copy = (ObjectNode) tags.deepCopy();
        TwinLimits.checkContent("tags", copy);
        return copy;
    }

    /** The {@code properties.desired} of a service request body, or null if it has none. */
    public static ObjectNode desired(ObjectNode body) {
        JsonNode properties = body.get("properties");
        if (properties == null || properties.isNull()) {
            return null;
        }
        if (!properties.isObject()) {
            throw HubException.badFormat("properties must be a JSON object.");
        }
        JsonNode desired = properties.get("desired");
        if (desired == null || desired.isNull()) {
            return null;
        }
        if (!desired.isObject()) {
            throw HubException.badFormat("properties.desired must be a JSON object.");
        }
        return propertiesPatch("properties.desired", (ObjectNode) desired);
    }

    /** Whether a service PATCH's body removes every desired property: {@code "properties":{"desired":null}}. */
    public static boolean removesDesired(ObjectNode body) {
        JsonNode properties = body.get("properties");
        return properties != null && properties.isObject() && properties.has("desired") && properties.get("desired").isNull();
    }

    /** The patch that removes each of {@code values}: every key set to null. */
    public static ObjectNode removing(ObjectNode values) {
        ObjectNode patch = Json.object();
        values.fieldNames().forEachRemaining(patch::putNull);
        return patch;
    }

    /**
     * A patch of one property side, without the {@code $version} and {@code $metadata} a client may
     * send back from a twin it read: the hub keeps those itself.
     */
    public static ObjectNode propertiesPatch(String section, ObjectNode patch) {
        ObjectNode copy = patch.deepCopy();
        copy.remove(VERSION);
        copy.remove(METADATA);
        TwinLimits.checkContent(section, copy);
        return copy;
    }
}
