package dev.iothub.emulator.internal.cloudtodevice;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cloud-to-device message as the hub keeps it: what the service sent (its system properties, application
 * properties and body) and what the hub adds: its place in the identity's queue, when it was enqueued, when it
 * expires and how often it was delivered. Nulls stand for properties the service did not set.
 */
public record CloudToDeviceMessage(
        long sequence,
        String messageId,
        String correlationId,
        String userId,
        String to,
        Instant expiry,
        Instant enqueued,
        String contentType,
        String contentEncoding,
        Acknowledgement ack,
        Map<String, String> properties,
        byte[] body,
        int deliveryCount) {

    public CloudToDeviceMessage {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A message as a service sent it: not yet enqueued; {@code expiry} null for the hub's default time to live. */
    public static CloudToDeviceMessage sent(String messageId, String correlationId, String userId, String to,
                                            Instant expiry, String contentType, String contentEncoding,
                                            Acknowledgement ack, Map<String, String> properties, byte[] body) {
        return new CloudToDeviceMessage(0, messageId, correlationId, userId, to, expiry, null, contentType,
                contentEncoding, ack, properties, body, 0);
    }

    CloudToDeviceMessage enqueued(long newSequence, Instant now, Instant newExpiry) {
        return new CloudToDeviceMessage(newSequence, messageId, correlationId, userId, to, newExpiry, now, contentType,
                contentEncoding, ack, properties, body, 0);
    }

    CloudToDeviceMessage deliveredAgain() {
        return new CloudToDeviceMessage(sequence, messageId, correlationId, userId, to, expiry, enqueued, contentType,
                contentEncoding, ack, properties, body, deliveryCount + 1);
    }

    /**
     * What counts against the hub's 64 KB: the body, the system properties' values and the application properties'
     * names and values (the hub's quotas page).
     */
    int size() {
        int size = body.length;
        for (String value : new String[] {messageId, correlationId, userId, to, contentType, contentEncoding}) {
            size += utf8(value);
        }
        for (Map.Entry<String, String> property : properties.entrySet()) {
            size += utf8(property.getKey()) + utf8(property.getValue());
        }
        return size;
    }

    private static int utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }
}
