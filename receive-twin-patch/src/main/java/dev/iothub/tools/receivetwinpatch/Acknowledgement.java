package dev.iothub.tools.receivetwinpatch;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import dev.iothub.tools.common.Json;
import java.util.List;

/**
 * What --ack reports for one desired state, after IoT Plug and Play's writable properties: each property set is
 * acknowledged with {@code {"value": …, "ac": 200, "av": <desired $version>, "ad": "applied"}}, and each property
 * deleted has its acknowledgement deleted too (reported as null), so that no acknowledgement outlives what it
 * acknowledged. A full desired state names only what is desired, so with one, every acknowledgement of a
 * property no longer desired is deleted.
 */
record Acknowledgement(int version, JsonObject reported) {

    static Acknowledgement of(DesiredStateTracker.Update update) {
        JsonObject reported = new JsonObject();
        update.desired().entrySet().forEach(property -> reported.add(property.getKey(),
                property.getValue().isJsonNull() ? JsonNull.INSTANCE : acknowledging(property.getValue(), update.version())));
        update.reported().entrySet().stream()
                .filter(property -> isAcknowledgement(property.getValue()) && !update.desired().has(property.getKey()))
                .forEach(property -> reported.add(property.getKey(), JsonNull.INSTANCE));
        return new Acknowledgement(update.version(), reported);
    }

    private static JsonObject acknowledging(JsonElement value, int version) {
        JsonObject acknowledgement = new JsonObject();
        acknowledgement.add("value", value);
        acknowledgement.addProperty("ac", 200);
        acknowledgement.addProperty("av", version);
        acknowledgement.addProperty("ad", "applied");
        return acknowledgement;
    }

    /** A reported property in the convention's shape: the ones --ack made, or another writable property's. */
    private static boolean isAcknowledgement(JsonElement reported) {
        return reported instanceof JsonObject object && object.has("ac") && object.has("av");
    }

    boolean isEmpty() {
        return reported.size() == 0;
    }

    List<String> acknowledged() {
        return reported.entrySet().stream().filter(p -> !p.getValue().isJsonNull()).map(p -> p.getKey()).toList();
    }

    List<String> removed() {
        return reported.entrySet().stream().filter(p -> p.getValue().isJsonNull()).map(p -> p.getKey()).toList();
    }

    TwinCollection toTwinCollection() {
        TwinCollection collection = new TwinCollection();
        collection.putAll(Json.toMap(reported));
        return collection;
    }
}
