package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import java.util.function.Function;

/**
 * The identity registry's REST API: {@code /devices/{id}} and {@code /devices/{id}/modules[/{mid}]}.
 * PUT without If-Match creates, PUT with If-Match updates, as the hub's SDKs expect. A device may manage its own
 * modules with its own token ({@link ModuleRegistryAccess}); everything else takes a shared access policy.
 */
final class RegistryApi {
    private static final String DEVICE = "/devices/{deviceId}";
    private static final String MODULE = "/devices/{deviceId}/modules/{moduleId}";

    /** Checks a request's credentials for the permission it needs, throwing the hub's 401 if they do not do. */
    @FunctionalInterface
    private interface Access {
        void authorize(RestRequest request, Permission needed);
    }

    private final IdentityRegistry registry;
    private final Access policyAccess;
    private final Access moduleAccess;
    private final CloudToDeviceHub cloudToDevice;

    RegistryApi(IdentityRegistry registry, ServiceAuthenticator authenticator, DeviceHub devices,
                CloudToDeviceHub cloudToDevice) {
        this.registry = registry;
        this.cloudToDevice = cloudToDevice;
        this.policyAccess = (request, needed) ->
                authenticator.authorize(request.header("Authorization"), request.path(), needed);
        this.moduleAccess = new ModuleRegistryAccess(authenticator, devices)::authorize;
    }

    void addTo(Routes routes) {
        addIdentityRoutes(routes, DEVICE, request -> IdentityId.device(request.parameter("deviceId")), policyAccess);
        addIdentityRoutes(routes, MODULE,
                request -> IdentityId.module(request.parameter("deviceId"), request.parameter("moduleId")),
                moduleAccess);
        routes.add("GET", "/devices/{deviceId}/modules", this::modules);
    }

    private void addIdentityRoutes(Routes routes, String template, Function<RestRequest, IdentityId> id,
                                   Access access) {
        routes.add("GET", template, request -> {
            access.authorize(request, Permission.RegistryRead);
            return written(registry.get(id.apply(request)));
        });
        routes.add("PUT", template, request -> {
            access.authorize(request, Permission.RegistryWrite);
            Identity draft = IdentityJson.read(Json.parseObject(request.body()), id.apply(request));
            registry.checkScopes(draft);
            return written(request.ifMatch() == null
                    ? registry.create(draft)
                    : registry.update(draft, request.ifMatch()));
        });
        routes.add("DELETE", template, request -> {
            access.authorize(request, Permission.RegistryWrite);
            registry.delete(id.apply(request), request.ifMatch());
            return RestResponse.noContent();
        });
    }

    private RestResponse modules(RestRequest request) {
        moduleAccess.authorize(request, Permission.RegistryRead);
        ArrayNode modules = Json.MAPPER.createArrayNode();
        registry.modules(request.parameter("deviceId")).forEach(module -> modules.add(json(module)));
        return RestResponse.ok(modules, null);
    }

    private RestResponse written(Identity identity) {
        return RestResponse.ok(json(identity), identity.etag());
    }

    private ObjectNode json(Identity identity) {
        return IdentityJson.write(identity, registry, cloudToDevice);
    }
}
