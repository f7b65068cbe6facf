package dev.iothub.emulator.internal.mqtt;

import dev.iothub.emulator.internal.model.IdentityId;
import java.util.HashMap;
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

    /**
     * The filters a client of {@code id} may subscribe to; any other makes the hub close the connection. A module's
     * messages from its inputs are on {@code devices/{d}/modules/{m}/inputs/}, which the C SDK subscribes to as
     * {@code devices/{d}/modules/{m}/#}.
     */
    static boolean maySubscribe(IdentityId id, String filter) {
        return filter.equals(TWIN_RESPONSES) || filter.equals(DESIRED_PATCHES) || filter.equals(METHODS)
                || filter.equals(CloudToDeviceTopics.subscription(id))
                || (id.isModule() && (filter.equals(prefixOf(id) + "inputs/#") || filter.equals(prefixOf(id) + "#")));
    }

    static String prefixOf(IdentityId id) {
        return id.isModule()
                ? "devices/" + id.deviceId() + "/modules/" + id.moduleId() + "/"
                : "devices/" + id.deviceId() + "/";
    }

    /**
     * The {@code $rid} and other properties in the query part of a twin topic, the first of each name, as sent:
     * a request id is the client's own token, echoed back unchanged, so nothing in it is decoded.
     */
    static Map<String, String> properties(String topic, String prefix) {
        String rest = topic.substring(prefix.length());
        int query = rest.indexOf('?');
        Map<String, String> properties = new HashMap<>();
        if (query >= 0) {
            for (String property : rest.substring(query + 1).split("&")) {
                int equals = property.indexOf('=');
                properties.putIfAbsent(equals < 0 ? property : property.substring(0, equals),
                        equals < 0 ? "" : property.substring(equals + 1));
            }
        }
        return properties;
    }

    static String response(int status, String rid, Long version) {
        return "$iothub/twin/res/" + status + "/?$rid=" + rid + (version == null ? "" : "&$version=" + version);
    }

    /** Exactly this shape: the SDKs read the name as the fourth segment and {@code ?$rid=} as the fifth's start. */
    static String methodRequest(String methodName, long requestId) {
        return "$iothub/methods/POST/" + methodName + "/?$rid=" + requestId;
    }

    static String desiredPatch(long version) {
        return "$iothub/twin/PATCH/properties/desired/?$version=" + version;
    }
}
