package dev.iothub.emulator.internal.mqtt;

import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.model.IdentityId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A device-to-cloud message as MQTT carries it: the body is the payload, and everything else is the property bag
 * that follows {@code devices/{d}[/modules/{m}]/messages/events/}, pairs joined by '&amp;' and percent-encoded. The
 * system properties a device may set are the {@code $.}-prefixed pairs ({@code %24.} as the Java SDK writes them);
 * the others the hub sets itself ({@code $.cdid}, {@code $.cmid}) or does not route ({@code $.to}, {@code $.exp},
 * {@code $.on}) are left out; every other pair is an application property.
 */
final class TelemetryTopics {
    /** The bag's names for what the hub passes on as message annotations, and those annotations' names. */
    private static final Map<String, String> ANNOTATIONS = Map.of(
            "$.ctime", Telemetry.CREATION_TIME,
            "$.ifid", Telemetry.INTERFACE_ID,
            "$.sub", Telemetry.SUBJECT,
            "$.schema", Telemetry.DATA_SCHEMA);

    private TelemetryTopics() {
    }

    static String prefix(IdentityId id) {
        return TwinTopics.prefixOf(id) + "messages/events/";
    }

    /** The message a publish of {@code payload} to {@code topic}, one {@link #prefix} admits, sends. */
    static Telemetry telemetry(IdentityId id, String topic, byte[] payload) {
        Map<String, String> properties = new LinkedHashMap<>();
        Map<String, String> system = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        String bag = topic.substring(prefix(id).length());
        if (bag.endsWith("/")) {
            bag = bag.substring(0, bag.length() - 1); // the Java SDK ends the bag so, as a path
        }
        for (String pair : bag.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decoded(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decoded(pair.substring(equals + 1));
            if (!name.startsWith("$.")) {
                properties.putIfAbsent(name, value);
            } else if (ANNOTATIONS.containsKey(name)) {
                annotations.putIfAbsent(ANNOTATIONS.get(name), value);
            } else {
                system.putIfAbsent(name, value);
            }
        }
        return new Telemetry(payload, properties, system.get("$.mid"), system.get("$.cid"), system.get("$.uid"),
                system.get("$.ct"), system.get("$.ce"), annotations);
    }

    /** Percent-decoded, '+' a space as the Java SDK's URLEncoder means it; what does not decode stays as sent. */
    private static String decoded(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
