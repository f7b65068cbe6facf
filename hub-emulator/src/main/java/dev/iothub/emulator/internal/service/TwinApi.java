package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.ConnectionStates;
import dev.iothub.emulator.internal.twin.TwinJson;
import dev.iothub.emulator.internal.twin.TwinService;
import java.util.function.BiFunction;
import java.util.function.Function;

/** The twins REST API: GET, PUT (replace) and PATCH (merge) on {@code /twins/{id}[/modules/{mid}]}. */
final class TwinApi {
    private final TwinService twins;
    private final ConnectionStates connections;
    private final ServiceAuthenticator authenticator;
    private final CloudToDeviceHub cloudToDevice;

    TwinApi(TwinService twins, ConnectionStates connections, ServiceAuthenticator authenticator,
            CloudToDeviceHub cloudToDevice) {
        this.twins = twins;
        this.cloudToDevice = cloudToDevice;
        this.connections = connections;
        this.authenticator = authenticator;
    }

    void addTo(Routes routes) {
        addTwinRoutes(routes, "/twins/{deviceId}", request -> IdentityId.device(request.parameter("deviceId")));
        addTwinRoutes(routes, "/twins/{deviceId}/modules/{moduleId}",
                request -> IdentityId.module(request.parameter("deviceId"), request.parameter("moduleId")));
    }

    private void addTwinRoutes(Routes routes, String template, Function<RestRequest, IdentityId> id) {
        routes.add("GET", template, request -> answer(request, id, (twin, r) -> twins.get(twin)));
        routes.add("PATCH", template, request -> answer(request, id,
                (twin, r) -> twins.patch(twin, Json.parseObject(r.body()), r.ifMatch())));
        routes.add("PUT", template, request -> answer(request, id,
                (twin, r) -> twins.replace(twin, Json.parseObject(r.body()), r.ifMatch())));
    }

    private RestResponse answer(RestRequest request, Function<RestRequest, IdentityId> id,
                                BiFunction<IdentityId, RestRequest, Identity> operation) {
        authenticator.authorize(request.header("Authorization"), request.path(), Permission.ServiceConnect);
        IdentityId twin = id.apply(request);
        Identity identity = operation.apply(twin, request);
        return RestResponse.ok(TwinJson.write(identity, connections.of(twin), cloudToDevice.count(twin)),
                identity.twin().etag());
    }
}
