package dev.iothub.emulator.internal.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message on a partition of the built-in endpoint: what the device sent, its place in the partition (its
 * sequence number, which is also its offset), when the hub enqueued it, and the system properties the hub stamped
 * on it ({@code iothub-connection-device-id} and the others; {@link #IOTHUB_ENQUEUED_TIME} is {@code enqueued}).
 */
public record Event(int partition, long sequence, Instant enqueued, Map<String, String> systemProperties,
                    Telemetry telemetry) {
    public static final String DEVICE_ID = "iothub-connection-device-id";
    public static final String MODULE_ID = "iothub-connection-module-id";
    public static final String AUTH_METHOD = "iothub-connection-auth-method";
    public static final String AUTH_GENERATION_ID = "iothub-connection-auth-generation-id";
    public static final String MESSAGE_SOURCE = "iothub-message-source";
    /** The {@link #MESSAGE_SOURCE} of what devices and modules sent; the hub's own events have others. */
    public static final String TELEMETRY = "Telemetry";
    /** A timestamp, the instant the event was enqueued: not among {@link #systemProperties}, which are strings. */
    public static final String IOTHUB_ENQUEUED_TIME = "iothub-enqueuedtime";

    public Event {
        systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(systemProperties));
    }

    /** Whether a device or module sent it, where the hub raised the others (twin changes, say). */
    public boolean isTelemetry() {
        return TELEMETRY.equals(systemProperties.get(MESSAGE_SOURCE));
    }

    /** The offset Event Hubs clients see and start from: the sequence number, written as a decimal. */
    public String offset() {
        return Long.toString(sequence);
    }
}
