package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.twin.TwinService;
import java.time.Clock;

/** The service side of the hub over REST: the registry and twin APIs, and the hub's routes it does not emulate. */
public final class ServiceApi {
    private ServiceApi() {
    }

    public static Routes routes(IdentityRegistry registry, TwinService twins, ServiceAuthenticator authenticator,
                                Clock clock, ServiceFaults faults, ReceivedOperations received) {
        Routes routes = new Routes(clock, faults, received);
        new RegistryApi(registry, authenticator).addTo(routes);
        new TwinApi(twins, registry.connections(), authenticator).addTo(routes);
        new BulkRegistryApi(registry, twins, authenticator).addTo(routes);
        NotEmulated.addTo(routes);
        return routes;
    }
}
