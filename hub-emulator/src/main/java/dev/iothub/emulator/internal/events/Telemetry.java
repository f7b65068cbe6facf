package dev.iothub.emulator.internal.events;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A device-to-cloud message as a device or module sent it, whatever the protocol: its body, its application
 * properties, the system properties a device may set (nulls for those it did not) and the annotations it may add
 * ({@code iothub-creation-time-utc}, {@code iothub-interface-id}, {@code dt-subject}, {@code dt-dataschema}).
 */
public record Telemetry(
        byte[] body,
        Map<String, String> properties,
        String messageId,
        String correlationId,
        String userId,
        String contentType,
        String contentEncoding,
        Map<String, String> annotations) {

    /** When the device says it created the message. */
    public static final String CREATION_TIME = "iothub-creation-time-utc";
    public static final String INTERFACE_ID = "iothub-interface-id";
    public static final String SUBJECT = "dt-subject";
    public static final String DATA_SCHEMA = "dt-dataschema";
    /** The annotations a device may add, which the hub passes on with its system properties. */
    public static final Set<String> ANNOTATIONS = Set.of(CREATION_TIME, INTERFACE_ID, SUBJECT, DATA_SCHEMA);

    public Telemetry {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** The size the hub counts against its limits: the body and the properties' names and values, in UTF-8. */
    public int size() {
        int size = body.length;
        for (Map<String, String> map : List.of(properties, annotations)) {
            for (Map.Entry<String, String> entry : map.entrySet()) {
                size += utf8(entry.getKey()) + utf8(entry.getValue());
            }
        }
        return size;
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
