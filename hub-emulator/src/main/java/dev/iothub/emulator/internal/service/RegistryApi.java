package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import java.util.function.Function;

/**
 * The identity registry's REST API: {@code /devices/{id}} and {@code /devices/{id}/modules[/{mid}]}.
 * PUT without If-Match creates, PUT with If-Match updates, as the hub's SDKs expect.
 */
final class RegistryApi {
    private static final String DEVICE = "/devices/{deviceId}";
    private static final String MODULE = "/devices/{deviceId}/modules/{moduleId}";

    private final IdentityRegistry registry;
    private final ServiceAuthenticator authenticator;

    RegistryApi(IdentityRegistry registry, ServiceAuthenticator authenticator) {
        this.registry = registry;
        this.authenticator = authenticator;
    }

    void addTo(Routes routes) {
        addIdentityRoutes(routes, DEVICE, request -> IdentityId.device(request.parameter("deviceId")));
        addIdentityRoutes(routes, MODULE,
                request -> IdentityId.module(request.parameter("deviceId"), request.parameter("moduleId")));
        routes.add("GET", "/devices/{deviceId}/modules", this::modules);
    }

    private void addIdentityRoutes(Routes routes, String template, Function<RestRequest, IdentityId> id) {
        routes.add("GET", template, request -> {
            authorize(request, Permission.RegistryRead);
            return written(registry.get(id.apply(request)));
        });
        routes.add("PUT", template, request -> {
            authorize(request, Permission.RegistryWrite);
            Identity draft = IdentityJson.read(Json.parseObject(request.body()), id.apply(request));
            registry.checkScopes(draft);
            return written(request.ifMatch() == null
                    ? registry.create(draft)
                    : registry.update(draft, request.ifMatch()));
        });
        routes.add("DELETE", template, request -> {
            authorize(request, Permission.RegistryWrite);
            registry.delete(id.apply(request), request.ifMatch());
            return RestResponse.noContent();
        });
    }

    private RestResponse modules(RestRequest request) {
        authorize(request, Permission.RegistryRead);
        ArrayNode modules = Json.MAPPER.createArrayNode();
        registry.modules(request.parameter("deviceId")).forEach(module ->
                modules.add(IdentityJson.write(module, registry.connections().of(module.id()))));
        return RestResponse.ok(modules, null);
    }

    private void authorize(RestRequest request, Permission needed) {
        authenticator.authorize(request.header("Authorization"), request.path(), needed);
    }

    private RestResponse written(Identity identity) {
        return RestResponse.ok(IdentityJson.write(identity, registry.connections().of(identity.id())),
                identity.etag());
    }
}
