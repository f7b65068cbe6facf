package dev.iothub.emulator;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A device-to-cloud message the hub received, as its built-in endpoint keeps it: who sent it, what it holds, and
 * where the hub put it. Nulls stand for what the device did not set, and for a device's own {@code moduleId}.
 *
 * @param properties       its application properties
 * @param systemProperties what the hub stamped on it: {@code iothub-connection-device-id},
 *                         {@code iothub-connection-module-id}, {@code iothub-connection-auth-method},
 *                         {@code iothub-connection-auth-generation-id}, {@code iothub-message-source}, and what
 *                         the device may set ({@code iothub-creation-time-utc}, {@code dt-subject}, ...)
 */
public record TelemetryMessage(
        String deviceId,
        String moduleId,
        byte[] body,
        Map<String, String> properties,
        String messageId,
        String correlationId,
        String contentType,
        String contentEncoding,
        Map<String, String> systemProperties,
        Instant enqueuedTime,
        int partition,
        long sequenceNumber) {

    /** The body as UTF-8 text. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
