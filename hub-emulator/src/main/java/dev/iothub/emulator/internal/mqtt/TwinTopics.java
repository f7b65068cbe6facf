package dev.iothub.emulator.internal.mqtt;

import dev.iothub.emulator.internal.model.IdentityId;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import java.util.Map;

/** The MQTT topics of IoT Hub's device API, as the hub names and checks them. */
final class TwinTopics {
    static final String TWIN_GET = "$iothub/twin/GET/";
    static final String TWIN_REPORTED = "$iothub/twin/PATCH/properties/reported/";
    static final String TWIN_RESPONSES = "$iothub/twin/res/#";
    static final String DESIRED_PATCHES = "$iothub/twin/PATCH/properties/desired/#";
    static final String METHODS = "$iothub/methods/POST/#";
    static final String METHOD_RESPONSES = "$iothub/methods/res/";

    private TwinTopics() {
    }

    /** The filters a client of {@code id} may subscribe to; any other makes the hub close the connection. */
    static boolean maySubscribe(IdentityId id, String filter) {
        return filter.equals(TWIN_RESPONSES) || filter.equals(DESIRED_PATCHES) || filter.equals(METHODS)
                || filter.equals(prefixOf(id) + "messages/devicebound/#")
                || (id.isModule() && filter.equals(prefixOf(id) + "inputs/#"));
    }

    /** Whether a publish from {@code id} is telemetry: accepted, but messaging is not emulated. */
    static boolean isTelemetry(IdentityId id, String topic) {
        return topic.startsWith(prefixOf(id) + "messages/events/");
    }

    static String prefixOf(IdentityId id) {
        return id.isModule()
                ? "devices/" + id.deviceId() + "/modules/" + id.moduleId() + "/"
                : "devices/" + id.deviceId() + "/";
    }

    /** The {@code $rid} and other properties in the query part of a twin topic. */
    static Map<String, List<String>> properties(String topic, String prefix) {
        return new QueryStringDecoder(topic.substring(prefix.length())).parameters();
    }

    static String response(int status, String rid, Long version) {
        return "$iothub/twin/res/" + status + "/?$rid=" + rid + (version == null ? "" : "&$version=" + version);
    }

    static String desiredPatch(long version) {
        return "$iothub/twin/PATCH/properties/desired/?$version=" + version;
    }
}
