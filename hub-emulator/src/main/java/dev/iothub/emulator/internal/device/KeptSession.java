package dev.iothub.emulator.internal.device;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import java.nio.charset.StandardCharsets;

/**
 * What the hub keeps of a persistent session while its device is away: whether it subscribed to desired
 * changes and to its cloud-to-device messages, and at which delivery level each (MQTT's QoS), and whether to direct
 * methods (the Java SDK does not subscribe again when it resumes its session). The device side's own format, a
 * small JSON object; a session kept by an emulator before methods or cloud-to-device messages were emulated reads
 * as not subscribed to them.
 */
record KeptSession(Integer desiredQos, boolean methods, Integer cloudToDeviceQos) {
    static final KeptSession NOTHING = new KeptSession(null, false, null);

    static KeptSession parse(String json) {
        try {
            ObjectNode kept = Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
            return new KeptSession(qos(kept.get("desired")), kept.path("methods").asBoolean(false),
                    qos(kept.get("cloudToDevice")));
        } catch (HubException e) {
            return NOTHING; // written by no version of the emulator: nothing worth resuming
        }
    }

    private static Integer qos(JsonNode kept) {
        return kept == null || !kept.isInt() ? null : kept.intValue();
    }

    String toJson() {
        ObjectNode json = Json.object();
        if (desiredQos != null) {
            json.put("desired", desiredQos);
        }
        if (methods) {
            json.put("methods", true);
        }
        if (cloudToDeviceQos != null) {
            json.put("cloudToDevice", cloudToDeviceQos);
        }
        return json.toString();
    }
}
