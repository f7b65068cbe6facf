package dev.iothub.emulator.internal.model;

import java.time.Instant;
import java.util.List;

/**
 * A device or module identity as the registry stores it, with its twin: the two live and die together.
 * Connection state is not here: it is live, not stored.
 */
public record Identity(
        IdentityId id,
        String generationId,
        String etag,
        String status,
        String statusReason,
        Instant statusUpdatedTime,
        Authentication authentication,
        String managedBy,
        boolean iotEdge,
        String deviceScope,
        List<String> parentScopes,
        Twin twin) {

    public static final String ENABLED = "enabled";

    public Identity {
        parentScopes = parentScopes == null ? List.of() : List.copyOf(parentScopes);
    }

    public boolean enabled() {
        return ENABLED.equals(status);
    }

    public Identity withScopes(String newDeviceScope, List<String> newParentScopes) {
        return new Identity(id, generationId, etag, status, statusReason, statusUpdatedTime, authentication,
                managedBy, iotEdge, newDeviceScope, newParentScopes, twin);
    }

    public Identity withTwin(Twin newTwin) {
        return new Identity(id, generationId, etag, status, statusReason, statusUpdatedTime, authentication,
                managedBy, iotEdge, deviceScope, parentScopes, newTwin);
    }
}
