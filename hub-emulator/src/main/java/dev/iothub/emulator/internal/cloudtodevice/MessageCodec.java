package dev.iothub.emulator.internal.cloudtodevice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** A queued message as the store keeps it: JSON, the body in base64; fields it does not know are ignored. */
final class MessageCodec {
    private MessageCodec() {
    }

    static byte[] encode(CloudToDeviceMessage message) {
        ObjectNode json = Json.object();
        json.put("sequence", message.sequence());
        json.put("messageId", message.messageId());
        json.put("correlationId", message.correlationId());
        json.put("userId", message.userId());
        json.put("to", message.to());
        json.put("expiry", message.expiry().toString());
        json.put("enqueued", message.enqueued().toString());
        json.put("contentType", message.contentType());
        json.put("contentEncoding", message.contentEncoding());
        json.put("ack", message.ack().word());
        ObjectNode properties = json.putObject("properties");
        message.properties().forEach(properties::put);
        json.put("body", Base64.getEncoder().encodeToString(message.body()));
        json.put("deliveryCount", message.deliveryCount());
        return Json.bytes(json);
    }

    static CloudToDeviceMessage decode(byte[] stored) {
        ObjectNode json = Json.parseObject(stored);
        Map<String, String> properties = new LinkedHashMap<>();
        json.path("properties").fields().forEachRemaining(field -> properties.put(field.getKey(), field.getValue().asText()));
        return new CloudToDeviceMessage(json.path("sequence").asLong(), Json.textOrNull(json, "messageId"),
                Json.textOrNull(json, "correlationId"), Json.textOrNull(json, "userId"), Json.textOrNull(json, "to"),
                Instant.parse(json.path("expiry").asText()), Instant.parse(json.path("enqueued").asText()),
                Json.textOrNull(json, "contentType"), Json.textOrNull(json, "contentEncoding"),
                Acknowledgement.parse(json.path("ack").asText("none")), properties,
                Base64.getDecoder().decode(json.path("body").asText("")), json.path("deliveryCount").asInt());
    }
}
