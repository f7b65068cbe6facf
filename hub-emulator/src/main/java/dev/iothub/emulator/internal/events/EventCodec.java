package dev.iothub.emulator.internal.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** An event as the store keeps it: JSON, the body in base64; its partition and sequence number are the store's key. */
final class EventCodec {
    private EventCodec() {
    }

    static byte[] encode(Event event) {
        ObjectNode json = Json.object();
        json.put("enqueued", event.enqueued().toString());
        put(json.putObject("system"), event.systemProperties());
        Telemetry telemetry = event.telemetry();
        json.put("messageId", telemetry.messageId());
        json.put("correlationId", telemetry.correlationId());
        json.put("userId", telemetry.userId());
        json.put("contentType", telemetry.contentType());
        json.put("contentEncoding", telemetry.contentEncoding());
        put(json.putObject("annotations"), telemetry.annotations());
        put(json.putObject("properties"), telemetry.properties());
        json.put("body", Base64.getEncoder().encodeToString(telemetry.body()));
        return Json.bytes(json);
    }

    static Event decode(int partition, long sequence, byte[] stored) {
        ObjectNode json = Json.parseObject(stored);
        Telemetry telemetry = new Telemetry(Base64.getDecoder().decode(json.path("body").asText("")),
                map(json.path("properties")), Json.textOrNull(json, "messageId"),
                Json.textOrNull(json, "correlationId"), Json.textOrNull(json, "userId"),
                Json.textOrNull(json, "contentType"), Json.textOrNull(json, "contentEncoding"),
                map(json.path("annotations")));
        return new Event(partition, sequence, Instant.parse(json.path("enqueued").asText()), map(json.path("system")),
                telemetry);
    }

    private static void put(ObjectNode json, Map<String, String> map) {
        map.forEach(json::put);
    }

    private static Map<String, String> map(JsonNode json) {
        Map<String, String> map = new LinkedHashMap<>();
        json.fields().forEachRemaining(field -> map.put(field.getKey(), field.getValue().asText()));
        return map;
    }
}
