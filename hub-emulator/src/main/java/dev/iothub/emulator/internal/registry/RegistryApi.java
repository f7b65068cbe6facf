package dev.iothub.emulator.internal.registry;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.rest.RestApi;
import dev.iothub.emulator.internal.rest.RestRequest;
import dev.iothub.emulator.internal.rest.RestResponse;
import java.util.List;

/**
 * The identity registry's REST API: {@code /devices/{id}} and {@code /devices/{id}/modules[/{mid}]}.
 * PUT without If-Match creates, PUT with If-Match updates, as the hub's SDKs expect.
 */
public final class RegistryApi implements RestApi {
    private final IdentityRegistry registry;
    private final ServiceAuthenticator authenticator;

    public RegistryApi(IdentityRegistry registry, ServiceAuthenticator authenticator) {
        this.registry = registry;
        this.authenticator = authenticator;
    }

    @Override
    public boolean serves(RestRequest request) {
        return !request.segments().isEmpty() && request.segments().get(0).equals("devices");
    }

    @Override
    public RestResponse handle(RestRequest request) {
        List<String> path = request.segments();
        boolean read = request.method().equals("GET");
        authenticator.authorize(request.header("Authorization"), request.path(),
                read ? Permission.RegistryRead : Permission.RegistryWrite);
        if (path.size() == 2) {
            return identity(request, IdentityId.device(path.get(1)));
        }
        if (path.size() == 3 && path.get(2).equals("modules") && read) {
            ArrayNode modules = Json.MAPPER.createArrayNode();
            registry.modules(path.get(1)).forEach(module ->
                    modules.add(IdentityJson.write(module, registry.connections().of(module.id()))));
            return RestResponse.ok(modules, null);
        }
        if (path.size() == 4 && path.get(2).equals("modules")) {
            return identity(request, IdentityId.module(path.get(1), path.get(3)));
        }
        throw new HubException(ErrorCode.EndpointNotFound, "The requested resource does not exist.");
    }

    private RestResponse identity(RestRequest request, IdentityId id) {
        switch (request.method()) {
            case "GET":
                return written(registry.get(id));
            case "PUT":
                Identity draft = IdentityJson.read(Json.parseObject(request.body()), id);
                return written(request.ifMatch() == null
                        ? registry.create(draft)
                        : registry.update(draft, request.ifMatch()));
            case "DELETE":
                registry.delete(id, request.ifMatch());
                return RestResponse.noContent();
            default:
                throw new HubException(ErrorCode.MethodNotAllowed,
                        "The method " + request.method() + " is not allowed on " + request.path() + ".");
        }
    }

    private RestResponse written(Identity identity) {
        return RestResponse.ok(IdentityJson.write(identity, registry.connections().of(identity.id())),
                identity.etag());
    }
}
