package dev.iothub.emulator.internal.twin;

import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.ConnectionStates;
import dev.iothub.emulator.internal.rest.RestApi;
import dev.iothub.emulator.internal.rest.RestRequest;
import dev.iothub.emulator.internal.rest.RestResponse;
import java.util.List;

/** The twins REST API: GET, PUT (replace) and PATCH (merge) on {@code /twins/{id}[/modules/{mid}]}. */
public final class TwinApi implements RestApi {
    private final TwinService twins;
    private final ConnectionStates connections;
    private final ServiceAuthenticator authenticator;

    public TwinApi(TwinService twins, ConnectionStates connections, ServiceAuthenticator authenticator) {
        this.twins = twins;
        this.connections = connections;
        this.authenticator = authenticator;
    }

    @Override
    public boolean serves(RestRequest request) {
        return !request.segments().isEmpty() && request.segments().get(0).equals("twins");
    }

    @Override
    public RestResponse handle(RestRequest request) {
        authenticator.authorize(request.header("Authorization"), request.path(), Permission.ServiceConnect);
        IdentityId id = identityOf(request.segments());
        Identity identity = switch (request.method()) {
            case "GET" -> twins.get(id);
            case "PATCH" -> twins.patch(id, Json.parseObject(request.body()), request.ifMatch());
            case "PUT" -> twins.replace(id, Json.parseObject(request.body()), request.ifMatch());
            default -> throw new HubException(ErrorCode.MethodNotAllowed,
                    "The method " + request.method() + " is not allowed on " + request.path() + ".");
        };
        return RestResponse.ok(TwinJson.write(identity, connections.of(id)), identity.twin().etag());
    }

    private static IdentityId identityOf(List<String> path) {
        if (path.size() == 2) {
            return IdentityId.device(path.get(1));
        }
        if (path.size() == 4 && path.get(2).equals("modules")) {
            return IdentityId.module(path.get(1), path.get(3));
        }
        throw new HubException(ErrorCode.EndpointNotFound, "The requested resource does not exist.");
    }
}
