package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.model.IdentityId;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * The address of a device link, {@code /devices/{d}[/modules/{m}]/{endpoint}}: the identity whose resource
 * it is and which resource. Literal segments match without regard to case and ids are percent-decoded,
 * as the hub (and IoT Edge's copy of it) reads them. An address is read as IoT Edge's copy reads it: its path
 * if it is a URI of the scheme {@code amqps}, as the C SDK sends {@code amqps://{host}/devices/...} (the host is
 * not checked), else a path relative to the connection's host.
 */
record LinkAddress(IdentityId owner, Endpoint endpoint) {
    private static final String URI_PREFIX = "amqps://";
    private static final String CLOUD_TO_DEVICE = "/messages/devicebound";
    private static final String FEEDBACK = "/messages/servicebound/feedback";
    private static final String BUILT_IN_ENDPOINT = "/messages/events";

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

    /** The path {@code address} names, with its leading slash; null for no address. */
    static String path(String address) {
        if (address == null) {
            return null;
        }
        if (address.regionMatches(true, 0, URI_PREFIX, 0, URI_PREFIX.length())) {
            int slash = address.indexOf('/', URI_PREFIX.length());
            return slash < 0 ? "/" : address.substring(slash);
        }
        return address.startsWith("/") ? address : "/" + address;
    }

    /**
     * The feature a service client's link to {@code path} is for (cloud-to-device messages, their feedback,
     * file upload notifications), or null if it is not one of the service's addresses.
     */
    static String serviceFeature(String path) {
        return switch (path == null ? "" : path.toLowerCase(Locale.ROOT)) {
            case CLOUD_TO_DEVICE -> "Cloud-to-device messages";
            case FEEDBACK -> "Cloud-to-device message feedback records";
            case "/messages/servicebound/filenotifications" -> "File upload notifications";
            default -> null;
        };
    }

    /** Whether {@code path} is the IoT Hub's own name for its built-in endpoint, which redirects to it. */
    static boolean isBuiltInEndpoint(String path) {
        return path != null && (path.equalsIgnoreCase(BUILT_IN_ENDPOINT)
                || path.equalsIgnoreCase(BUILT_IN_ENDPOINT + "/$management"));
    }

    /** Whether {@code path} is where services send cloud-to-device messages. */
    static boolean isCloudToDevice(String path) {
        return CLOUD_TO_DEVICE.equalsIgnoreCase(path);
    }

    /** Whether {@code path} is where services receive the feedback on their cloud-to-device messages. */
    static boolean isFeedback(String path) {
        return FEEDBACK.equalsIgnoreCase(path);
    }

    /** The {@link #path} read, or null if it is not one of a device's. */
    static LinkAddress parse(String path) {
        if (path == null) {
            return null;
        }
        String[] segments = path.split("/", -1);
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
