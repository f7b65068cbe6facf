package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.device.DeviceRefusal;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;

/**
 * The caller of the hub's device-side REST routes (telemetry, cloud-to-device messages and file upload over
 * HTTPS): the device or module its path names, with its own SAS token or one of a policy that grants
 * DeviceConnect, let in as the device protocols let it connect. A device the registry does not know is the
 * hub's 404, which the Node SDK's authentication tests expect over HTTP (DeviceNotFoundError, where MQTT and
 * AMQP refuse it as unauthorized); any other refusal is its 401.
 */
final class DeviceCaller implements Routes.Caller {
    private final DeviceHub devices;

    DeviceCaller(DeviceHub devices) {
        this.devices = devices;
    }

    @Override
    public void check(RestRequest request) {
        authenticate(request);
    }

    /** The identity the request's path names, if its token lets it in; the hub's 401 or 404 if not. */
    Identity authenticate(RestRequest request) {
        String token = request.header("Authorization");
        if (SharedAccessSignature.parse(token).isEmpty()) {
            throw HubException.unauthorized("The Authorization header is missing or is not a SharedAccessSignature.");
        }
        IdentityId id = identity(request);
        try {
            return devices.authenticate(id, token);
        } catch (DeviceRefusal refusal) {
            throw refused(id, refusal);
        }
    }

    /** The device or module the request's path names. */
    static IdentityId identity(RestRequest request) {
        String moduleId = request.parameters().get("moduleId");
        return moduleId == null ? IdentityId.device(request.parameter("deviceId"))
                : IdentityId.module(request.parameter("deviceId"), moduleId);
    }

    /** The hub's answer to {@code id} refused over HTTP: 404 if the registry does not know it, 401 otherwise. */
    static HubException refused(IdentityId id, DeviceRefusal refusal) {
        return refusal.reason() == DeviceRefusal.Reason.NOT_FOUND
                ? IdentityRegistry.notFound(id)
                : HubException.unauthorized(refusal.getMessage() + ".");
    }
}
