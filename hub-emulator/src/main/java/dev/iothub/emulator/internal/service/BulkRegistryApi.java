package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.twin.TwinService;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The registry's calls on many devices: {@code GET /devices} lists the first ones (Node's {@code Registry.list},
 * C#'s {@code GetDevicesAsync}), {@code POST /devices} creates, updates or deletes up to 100 in one call (Node's
 * {@code addDevices}, {@code updateDevices}, {@code removeDevices}; C#'s {@code *Devices2Async}). A bulk call
 * applies each item on its own and answers 200 with the items that failed, as the SDKs' callers expect.
 */
final class BulkRegistryApi {
    /** The most devices a list returns; any other {@code top} means this many. */
    static final int MAX_LIST = 1000;
    /** The most devices one bulk call takes. */
    static final int MAX_BULK = 100;

    private final IdentityRegistry registry;
    private final TwinService twins;
    private final ServiceAuthenticator authenticator;
    private final CloudToDeviceHub cloudToDevice;

    BulkRegistryApi(IdentityRegistry registry, TwinService twins, ServiceAuthenticator authenticator,
                    CloudToDeviceHub cloudToDevice) {
        this.registry = registry;
        this.cloudToDevice = cloudToDevice;
        this.twins = twins;
        this.authenticator = authenticator;
    }

    void addTo(Routes routes) {
        routes.add("GET", "/devices", this::list);
        routes.add("POST", "/devices", this::bulk);
    }

    private RestResponse list(RestRequest request) {
        authenticator.authorize(request.header("Authorization"), request.path(), Permission.RegistryRead);
        ArrayNode devices = Json.MAPPER.createArrayNode();
        registry.devices(top(request.query().apply("top"))).forEach(device ->
                devices.add(IdentityJson.write(device, registry, cloudToDevice)));
        return RestResponse.ok(devices, null);
    }

    /** {@code top} as the hub reads it: a number from 1 to 1000; any other number, or none, is 1000. */
    private static int top(String top) {
        if (top == null) {
            return MAX_LIST;
        }
        try {
            int value = Integer.parseInt(top.trim());
            return value < 1 || value > MAX_LIST ? MAX_LIST : value;
        } catch (NumberFormatException e) {
            throw HubException.badFormat("top must be a number; it was '" + top + "'.");
        }
    }

    private RestResponse bulk(RestRequest request) {
        authenticator.authorize(request.header("Authorization"), request.path(), Permission.RegistryWrite);
        JsonNode items = Json.parse(request.body());
        if (!items.isArray() || items.isEmpty()) {
            throw HubException.badFormat("The request body must be a JSON array of one or more devices.");
        }
        if (items.size() > MAX_BULK) {
            throw new HubException(ErrorCode.TooManyDevices, "A bulk registry operation takes at most " + MAX_BULK
                    + " devices; this one has " + items.size() + ".");
        }
        Set<String> ids = new HashSet<>();
        for (JsonNode item : items) {
            String id = item.path("id").asText(null);
            if (id != null && !ids.add(id)) {
                throw new HubException(ErrorCode.DeviceDefinedMultipleTimes, "DeviceDefinedMultipleTimes, device ID " + id);
            }
        }
        ArrayNode errors = Json.MAPPER.createArrayNode();
        for (JsonNode item : items) {
            try {
                apply(item);
            } catch (HubException e) {
                ObjectNode error = errors.addObject();
                error.put("deviceId", item.path("id").asText(null));
                error.put("errorCode", e.errorCode().name());
                error.put("errorStatus", e.getMessage());
            }
        }
        ObjectNode result = Json.object();
        result.put("isSuccessful", errors.isEmpty());
        result.set("errors", errors);
        result.putArray("warnings");
        return RestResponse.ok(result, null);
    }

    /** One item: its {@code importMode}, case aside (Node sends {@code Update}, C# {@code update}). */
    private void apply(JsonNode node) {
        if (!node.isObject() || !node.path("id").isTextual()) {
            throw HubException.badFormat("Each device of a bulk operation must be a JSON object with an id.");
        }
        ObjectNode item = (ObjectNode) node;
        IdentityId id = IdentityId.device(item.get("id").textValue());
        String mode = item.path("importMode").asText("");
        switch (mode.toLowerCase(Locale.ROOT)) {
            case "create" -> create(item, id);
            case "createorupdate" -> createOrUpdate(item, id, "*");
            case "createorupdateifmatchetag" -> createOrUpdate(item, id, ifMatch(item, "eTag"));
            case "update" -> registry.update(draft(item, id), "*");
            case "updateifmatchetag" -> registry.update(draft(item, id), ifMatch(item, "eTag"));
            case "delete" -> registry.delete(id, "*");
            case "deleteifmatchetag" -> registry.delete(id, ifMatch(item, "eTag"));
            case "updatetwin" -> twins.patch(id, twinPatch(item), "*");
            case "updatetwinifmatchetag" -> twins.patch(id, twinPatch(item), ifMatch(item, "twinETag"));
            default -> throw HubException.badFormat("importMode '" + mode + "' is not one of create, createOrUpdate, "
                    + "createOrUpdateIfMatchETag, update, updateIfMatchETag, delete, deleteIfMatchETag, updateTwin, "
                    + "updateTwinIfMatchETag.");
        }
    }

    private void create(ObjectNode item, IdentityId id) {
        registry.create(draft(item, id));
        ObjectNode twin = twinPatch(item);
        if (twin.has("tags") || twin.has("properties")) {
            twins.patch(id, twin, null); // C#'s AddDeviceWithTwinAsync: the device with its twin's first state
        }
    }

    private void createOrUpdate(ObjectNode item, IdentityId id, String ifMatch) {
        if (registry.find(id).isPresent()) {
            registry.update(draft(item, id), ifMatch);
        } else {
            create(item, id);
        }
    }

    /** The device an item describes, read as a PUT body is: an item names its device {@code id}. */
    private static Identity draft(ObjectNode item, IdentityId id) {
        ObjectNode body = item.deepCopy();
        body.put("deviceId", id.deviceId());
        return IdentityJson.read(body, id);
    }

    /** The twin an item sets: its tags and desired properties (the device's own reported ones are left alone). */
    private static ObjectNode twinPatch(ObjectNode item) {
        ObjectNode patch = Json.object();
        if (item.path("tags").isObject()) {
            patch.set("tags", item.get("tags"));
        }
        if (item.path("properties").path("desired").isObject()) {
            patch.putObject("properties").set("desired", item.get("properties").get("desired"));
        }
        return patch;
    }

    /**
     * The item's etag as If-Match compares it; required by the *IfMatchETag modes. The field is named without
     * regard to case, as the hub binds it: C# sends {@code eTag}, Node the {@code etag} of the device it was given.
     */
    private static String ifMatch(ObjectNode item, String field) {
        String etag = "";
        for (var names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (name.equalsIgnoreCase(field)) {
                etag = item.get(name).asText("");
            }
        }
        if (etag.isEmpty()) {
            throw HubException.badFormat("This importMode needs the " + field + " to match.");
        }
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }
}
