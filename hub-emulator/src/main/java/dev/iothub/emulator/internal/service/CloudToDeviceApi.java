package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;

/**
 * The service's REST call on a device's cloud-to-device queue: {@code DELETE /devices/{id}/commands} purges it
 * (ServiceConnect), answering {@code {"deviceId": …, "totalMessagesPurged": n}} as the SDKs' PurgeMessageQueueResult
 * reads it; an unknown device is the registry's 404.
 */
final class CloudToDeviceApi {
    private final IdentityRegistry registry;
    private final CloudToDeviceHub cloudToDevice;
    private final ServiceAuthenticator authenticator;

    CloudToDeviceApi(IdentityRegistry registry, CloudToDeviceHub cloudToDevice, ServiceAuthenticator authenticator) {
        this.registry = registry;
        this.cloudToDevice = cloudToDevice;
        this.authenticator = authenticator;
    }

    void addTo(Routes routes) {
        routes.add("DELETE", "/devices/{deviceId}/commands", request -> {
            authenticator.authorize(request.header("Authorization"), request.path(), Permission.ServiceConnect);
            IdentityId device = IdentityId.device(request.parameter("deviceId"));
            registry.get(device);
            ObjectNode answer = Json.object();
            answer.put("deviceId", device.deviceId());
            answer.put("totalMessagesPurged", cloudToDevice.purge(device));
            return RestResponse.ok(answer, null);
        });
    }
}
