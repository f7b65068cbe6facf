package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.model.Identity;
import java.util.List;

/**
 * IoT Edge's device scopes, as the hub keeps them: an edge device gets a scope of its own,
 * {@code ms-azure-iot-edge://{deviceId}-{generationId}}, made once and kept; a leaf device takes its parent edge
 * device's scope as its {@code deviceScope} and has it as its one parent scope; a nested edge device names its
 * parent in {@code parentScopes}.
 */
final class DeviceScopes {
    static final String PREFIX = "ms-azure-iot-edge://";

    private DeviceScopes() {
    }

    /** The scopes {@code written} keeps, given what it was before ({@code current}, null for a new identity). */
    static Identity settled(Identity written, Identity current) {
        if (written.id().isModule()) {
            return written;
        }
        if (written.iotEdge()) {
            boolean hadOne = current != null && current.iotEdge() && current.deviceScope() != null;
            String own = hadOne ? current.deviceScope() : PREFIX + written.id().deviceId() + "-" + written.generationId();
            return written.withScopes(own, written.parentScopes());
        }
        String parent = written.deviceScope() == null || written.deviceScope().isEmpty() ? null : written.deviceScope();
        return written.withScopes(parent, parent == null ? List.of() : List.of(parent));
    }

    /** The id of the edge device whose scope {@code scope} would be, or null if it is not an edge scope. */
    static String edgeDeviceOf(String scope) {
        int dash = scope.lastIndexOf('-');
        return scope.startsWith(PREFIX) && dash > PREFIX.length() ? scope.substring(PREFIX.length(), dash) : null;
    }
}
