package dev.iothub.emulator.internal.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * What the hub keeps of a persistent session while its device is away: whether it subscribed to desired
 * changes, and at which delivery level (MQTT's QoS), and whether to direct methods (the Java SDK does not
 * subscribe again when it resumes its session). The device side's own format, a small JSON object; a session
 * kept by an emulator before methods were emulated reads as not subscribed to them.
 */
record KeptSession(Integer desiredQos, boolean methods) {
    static final KeptSession NOTHING = new KeptSession(null, false);

    static KeptSession parse(String json) {
        try {
            ObjectNode kept = Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
            JsonNode desired = kept.get("desired");
            return new KeptSession(desired == null || !desired.isInt() ? null : desired.intValue(),
                    kept.path("methods").asBoolean(false));
        } catch (HubException e) {
            return NOTHING; // written by no version of the emulator: nothing worth resuming
        }
    }

    String toJson() {
        ObjectNode json = Json.object();
        if (desiredQos != null) {
            json.put("desired", desiredQos);
        }
        if (methods) {
            json.put("methods", true);
        }
        return json.toString();
    }
}
