package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.device.DeviceRefusal;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.model.IdentityId;

/**
 * Who may manage a device's module identities ({@code /devices/{d}/modules[/{m}]}): a shared access policy that
 * grants the permission, as on every service route, or the device itself, with a token signed by its own key
 * (no {@code skn}) whose {@code sr} covers {@code {host}/devices/{d}}, checked as its connections are. The hub lets
 * a device do so, IoT Edge device or not: the C SDK's service client signs so when given a device connection
 * string (its own module tests create, update and read a module of a plain device that way), and IoT Edge's
 * identity service creates, updates, reads, lists and deletes its device's modules so. Anywhere else a device's
 * token is no service credential.
 */
final class ModuleRegistryAccess {
    private final ServiceAuthenticator policies;
    private final DeviceHub devices;

    ModuleRegistryAccess(ServiceAuthenticator policies, DeviceHub devices) {
        this.policies = policies;
        this.devices = devices;
    }

    /** Returns if {@code request} may do what needs {@code needed}; throws the hub's 401 if not. */
    void authorize(RestRequest request, Permission needed) {
        String authorization = request.header("Authorization");
        if (!policies.isIdentitysOwn(authorization)) {
            policies.authorize(authorization, request.path(), needed);
            return;
        }
        String deviceId = request.parameter("deviceId");
        try {
            devices.authenticate(IdentityId.device(deviceId), authorization);
        } catch (DeviceRefusal refusal) {
            throw HubException.unauthorized("A token with no shared access policy (skn) lets only device '"
                    + deviceId + "' itself manage its module identities, and " + refusal.getMessage() + ".");
        }
    }
}
