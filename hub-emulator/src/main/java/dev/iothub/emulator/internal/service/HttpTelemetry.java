package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Device-to-cloud messages as HTTPS carries them. One message: the request's body, its application properties as
 * {@code iothub-app-{name}} headers, and the system properties a device may set as {@code iothub-messageid},
 * {@code -correlationid}, {@code -userid}, {@code -contenttype} and {@code -contentencoding} headers, in any case (Node
 * sends {@code IoTHub-MessageId}); {@code iothub-creation-time-utc} (.NET's {@code iothub-creationtimeutc}) and
 * {@code iothub-interface-id} go with the annotations, as MQTT's {@code $.ctime} and {@code $.ifid} do; the other
 * headers, the SDKs' {@code iothub-to} among them, are not the message's. With the Content-Type
 * {@code application/vnd.microsoft.iothub.json}, a batch: a JSON array of
 * {@code {"body": ..., "base64Encoded": ..., "properties": {...}}}, each property named as its header would be, the
 * body base64 unless {@code base64Encoded} is false (Node and the C SDK leave it out for bytes; the C SDK sends text
 * as a JSON string with false).
 */
final class HttpTelemetry {
    private static final String BATCH = "application/vnd.microsoft.iothub.json";
    private static final String APPLICATION_PREFIX = "iothub-app-";
    /** The names a device gives the annotations it may add, and the annotations' own. */
    private static final Map<String, String> ANNOTATIONS = Map.of(
            Telemetry.CREATION_TIME, Telemetry.CREATION_TIME,
            "iothub-creationtimeutc", Telemetry.CREATION_TIME,
            Telemetry.INTERFACE_ID, Telemetry.INTERFACE_ID);
    private static final String BATCH_FORMAT = "A batch (" + BATCH + ") is a JSON array of messages, each an object "
            + "with a body (a string: base64 unless base64Encoded is false) and properties whose values are strings.";

    private HttpTelemetry() {
    }

    /** What {@code request} sends: one message, or a batch's, in order; the hub's 400 for a batch it cannot read. */
    static List<Telemetry> messages(RestRequest request) {
        if (!isBatch(request.header("Content-Type"))) {
            Map<String, String> headers = new LinkedHashMap<>();
            request.headerNames().forEach(name -> headers.putIfAbsent(name, request.header(name)));
            return List.of(message(request.body(), headers));
        }
        JsonNode batch = Json.parse(request.body());
        if (!batch.isArray() || batch.isEmpty()) {
            throw HubException.badFormat(BATCH_FORMAT);
        }
        List<Telemetry> messages = new ArrayList<>(batch.size());
        batch.forEach(item -> messages.add(batched(item)));
        return messages;
    }

    private static boolean isBatch(String contentType) {
        return contentType != null && contentType.split(";", 2)[0].trim().equalsIgnoreCase(BATCH);
    }

    private static Telemetry batched(JsonNode item) {
        JsonNode body = item.path("body");
        JsonNode base64Encoded = item.path("base64Encoded");
        JsonNode properties = item.path("properties");
        if (!body.isTextual() || !(base64Encoded.isMissingNode() || base64Encoded.isBoolean())
                || !(properties.isMissingNode() || properties.isObject())) {
            throw HubException.badFormat(BATCH_FORMAT);
        }
        Map<String, String> named = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> property = it.next();
            if (!property.getValue().isTextual()) {
                throw HubException.badFormat(BATCH_FORMAT);
            }
            named.put(property.getKey(), property.getValue().textValue());
        }
        return message(base64Encoded.asBoolean(true) ? decoded(body.textValue())
                : body.textValue().getBytes(StandardCharsets.UTF_8), named);
    }

    private static byte[] decoded(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw HubException.badFormat("A body in the batch is not base64, and its base64Encoded is not false.");
        }
    }

    /** The message of {@code body} with the properties {@code named} as HTTPS names them, in any case. */
    private static Telemetry message(byte[] body, Map<String, String> named) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> system = new HashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        named.forEach((name, value) -> {
            String lowerCase = name.toLowerCase(Locale.ROOT);
            if (lowerCase.startsWith(APPLICATION_PREFIX)) {
                properties.putIfAbsent(name.substring(APPLICATION_PREFIX.length()), value);
            } else if (ANNOTATIONS.containsKey(lowerCase)) {
                annotations.putIfAbsent(ANNOTATIONS.get(lowerCase), value);
            } else {
                system.putIfAbsent(lowerCase, value);
            }
        });
        return new Telemetry(body, properties, system.get("iothub-messageid"), system.get("iothub-correlationid"),
                system.get("iothub-userid"), system.get("iothub-contenttype"), system.get("iothub-contentencoding"),
                annotations);
    }
}
