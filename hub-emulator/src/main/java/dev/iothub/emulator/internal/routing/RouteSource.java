package dev.iothub.emulator.internal.routing;

import dev.iothub.emulator.internal.events.Event;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a route of the hub takes, by the names Azure's templates and {@code az iot hub message-route create} use, and
 * the {@code iothub-message-source} its messages carry on the built-in endpoint. Digital twin change events and job
 * lifecycle events, which the hub has too, are not emulated.
 */
public enum RouteSource {
    DEVICE_MESSAGES("DeviceMessages", Event.TELEMETRY, null, true),
    TWIN_CHANGE_EVENTS("TwinChangeEvents", "twinChangeEvents", "twinChangeNotification", true),
    DEVICE_LIFECYCLE_EVENTS("DeviceLifecycleEvents", "deviceLifecycleEvents", "deviceLifecycleNotification", true),
    /** A module's connection events carry its id as an application property only, as the hub's schema says. */
    DEVICE_CONNECTION_STATE_EVENTS("DeviceConnectionStateEvents", "deviceConnectionStateEvents",
            "deviceConnectionStateNotification", false);

    private final String routeName;
    private final String messageSource;
    private final String messageSchema;
    private final boolean annotatesModules;

    RouteSource(String routeName, String messageSource, String messageSchema, boolean annotatesModules) {
        this.routeName = routeName;
        this.messageSource = messageSource;
        this.messageSchema = messageSchema;
        this.annotatesModules = annotatesModules;
    }

    /** The source of that name, in any case, as the hub's tools take it. */
    public static Optional<RouteSource> named(String name) {
        return Arrays.stream(values()).filter(source -> source.routeName.equalsIgnoreCase(name)).findFirst();
    }

    /** The names, for a message saying which there are. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(RouteSource::routeName).toList());
    }

    public String routeName() {
        return routeName;
    }

    /** The {@code iothub-message-source} of its messages. */
    String messageSource() {
        return messageSource;
    }

    /** The {@code iothub-message-schema} of the hub's own events of this source. */
    String messageSchema() {
        return messageSchema;
    }

    /** Whether a module's messages of this source carry {@code iothub-connection-module-id}. */
    boolean annotatesModules() {
        return annotatesModules;
    }
}
