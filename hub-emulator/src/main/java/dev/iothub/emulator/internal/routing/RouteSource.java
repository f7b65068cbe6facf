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
    DEVICE_MESSAGES("DeviceMessages", Event.TELEMETRY),
    TWIN_CHANGE_EVENTS("TwinChangeEvents", "twinChangeEvents"),
    DEVICE_LIFECYCLE_EVENTS("DeviceLifecycleEvents", "deviceLifecycleEvents"),
    DEVICE_CONNECTION_STATE_EVENTS("DeviceConnectionStateEvents", "deviceConnectionStateEvents");

    private final String hubName;
    private final String messageSource;

    RouteSource(String hubName, String messageSource) {
        this.hubName = hubName;
        this.messageSource = messageSource;
    }

    /** The source of that name, in any case, as the hub's tools take it. */
    public static Optional<RouteSource> named(String name) {
        return Arrays.stream(values()).filter(source -> source.hubName.equalsIgnoreCase(name)).findFirst();
    }

    /** The names, for a message saying which there are. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(RouteSource::hubName).toList());
    }

    public String hubName() {
        return hubName;
    }

    public String messageSource() {
        return messageSource;
    }
}
