package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.twin.TwinService;
import java.time.Clock;

/**
 * The hub over REST: the service side's registry, twin, direct method and cloud-to-device APIs, the device side's
 * telemetry and cloud-to-device messages, and the hub's routes it does not emulate.
 */
public final class ServiceApi {
    private ServiceApi() {
    }

    public static Routes routes(IdentityRegistry registry, TwinService twins, ServiceAuthenticator authenticator,
                                DeviceHub devices, DirectMethods methods, CloudToDeviceHub cloudToDevice, Clock clock,
                                ServiceFaults faults, ReceivedOperations received) {
        Routes routes = new Routes(clock, faults, received);
        new RegistryApi(registry, authenticator, devices, cloudToDevice).addTo(routes);
        new CloudToDeviceApi(registry, cloudToDevice, authenticator).addTo(routes);
        DeviceCaller device = new DeviceCaller(devices);
        new DeviceBoundApi(cloudToDevice, registry, device).addTo(routes);
        new DeviceEventsApi(devices, device).addTo(routes);
        new TwinApi(twins, registry.connections(), authenticator, cloudToDevice).addTo(routes);
        new BulkRegistryApi(registry, twins, authenticator, cloudToDevice).addTo(routes);
        new MethodApi(methods, authenticator, clock).addTo(routes);
        NotEmulated.addTo(routes, authenticator, device);
        return routes;
    }
}
