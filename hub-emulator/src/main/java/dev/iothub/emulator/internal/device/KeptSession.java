package dev.iothub.emulator.internal.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * What the hub keeps of a persistent session while its device is away: whether it subscribed to desired
 * changes, and at which delivery level (MQTT's QoS). The device side's own format, a small JSON object.
 */
record KeptSession(Integer desiredQos) {
    static final KeptSession NOTHING = new KeptSession(null);

    static KeptSession parse(String json) {
        try {
            JsonNode desired = Json.parseObject(json.getBytes(StandardCharsets.UTF_8)).get("desired");
            return new KeptSession(desired == null || !desired.isInt() ? null : desired.intValue());
        } catch (HubException e) {
            return NOTHING; // written by no version of the emulator: nothing worth resuming
        }
    }

    String toJson() {
        ObjectNode json = Json.object();
        if (desiredQos != null) {
            json.put("desired", desiredQos);
        }
        return json.toString();
    }
}
