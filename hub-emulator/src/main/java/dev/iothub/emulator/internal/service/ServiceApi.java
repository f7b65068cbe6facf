package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.twin.TwinService;
import java.time.Clock;

/**
 * The hub over REST: the service side's registry, twin and direct method APIs, and the hub's routes it does not
 * emulate, the device side's among them.
 */
public final class ServiceApi {
    private ServiceApi() {
    }

    public static Routes routes(IdentityRegistry registry, TwinService twins, ServiceAuthenticator authenticator,
                                DeviceHub devices, DirectMethods methods, Clock clock, ServiceFaults faults,
                                ReceivedOperations received) {
        Routes routes = new Routes(clock, faults, received);
        new RegistryApi(registry, authenticator, devices).addTo(routes);
        new TwinApi(twins, registry.connections(), authenticator).addTo(routes);
        new BulkRegistryApi(registry, twins, authenticator).addTo(routes);
        new MethodApi(methods, authenticator, clock).addTo(routes);
        NotEmulated.addTo(routes, authenticator, new DeviceCaller(devices));
        return routes;
    }
}
