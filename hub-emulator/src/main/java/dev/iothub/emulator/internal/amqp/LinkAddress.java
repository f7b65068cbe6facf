package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.model.IdentityId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The address of a device link, {@code /devices/{d}[/modules/{m}]/{endpoint}}: the identity whose resource
 * it is and which resource. Literal segments match without regard to case and ids are percent-decoded,
 * as the hub (and IoT Edge's copy of it) reads them.
 */
record LinkAddress(IdentityId owner, Endpoint endpoint) {

    /** The resources a device or module may attach a link to. */
    enum Endpoint {
        TWIN("twin"),
        TELEMETRY("messages/events"),
        CLOUD_TO_DEVICE("messages/devicebound"),
        METHODS("methods/devicebound");

        private final String path;

        Endpoint(String path) {
            this.path = path;
        }
    }

    /**
     * The feature a service client's link to {@code address} is for (cloud-to-device messages, their feedback,
     * file upload notifications), or null if it is not one of the service's addresses.
     */
    static String serviceFeature(String address) {
        return switch (address == null ? "" : address.toLowerCase(Locale.ROOT)) {
            case "/messages/devicebound" -> "Cloud-to-device messages";
            case "/messages/servicebound/feedback" -> "Cloud-to-device message feedback records";
            case "/messages/servicebound/filenotifications" -> "File upload notifications";
            default -> null;
        };
    }

    /** The address read, or null if it is not one of a device's. */
    static LinkAddress parse(String address) {
        if (address == null) {
            return null;
        }
        String[] segments = address.split("/", -1);
        if (segments.length < 4 || !segments[0].isEmpty() || !segments[1].equalsIgnoreCase("devices")) {
            return null;
        }
        boolean module = segments.length >= 6 && segments[3].equalsIgnoreCase("modules");
        int rest = module ? 5 : 3;
        String endpointPath = String.join("/", Arrays.copyOfRange(segments, rest, segments.length))
                .toLowerCase(Locale.ROOT);
        for (Endpoint endpoint : Endpoint.values()) {
            if (endpoint.path.equals(endpointPath)) {
                try {
                    String deviceId = decoded(segments[2]);
                    return new LinkAddress(module ? IdentityId.module(deviceId, decoded(segments[4]))
                            : IdentityId.device(deviceId), endpoint);
                } catch (IllegalArgumentException e) {
                    return null; // a malformed percent-escape
                }
            }
        }
        return null;
    }

    private static String decoded(String id) {
        return id.indexOf('%') < 0 ? id : URLDecoder.decode(id.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
