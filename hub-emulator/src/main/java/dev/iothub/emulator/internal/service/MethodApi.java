package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.methods.MethodInvocation;
import dev.iothub.emulator.internal.methods.MethodResult;
import dev.iothub.emulator.internal.model.IdentityId;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Direct methods over REST: {@code POST /twins/{id}[/modules/{mid}]/methods} with a ServiceConnect policy's
 * token, a body {@code {methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds}}, answered
 * {@code {status, payload}} once the device answers, or with the hub's error in the form its methods use.
 * The payload goes to the device as the JSON it is ({@code null} as the text {@code null}), or empty when the
 * key is absent; the device's answer comes back parsed, {@code null} when empty and a JSON string when it is
 * not JSON.
 */
final class MethodApi {
    private final DirectMethods methods;
    private final ServiceAuthenticator authenticator;
    private final Clock clock;

    MethodApi(DirectMethods methods, ServiceAuthenticator authenticator, Clock clock) {
        this.methods = methods;
        this.authenticator = authenticator;
        this.clock = clock;
    }

    void addTo(Routes routes) {
        routes.addDeferred("POST", "/twins/{deviceId}/methods",
                request -> invoke(request, r -> IdentityId.device(r.parameter("deviceId"))));
        routes.addDeferred("POST", "/twins/{deviceId}/modules/{moduleId}/methods",
                request -> invoke(request, r -> IdentityId.module(r.parameter("deviceId"), r.parameter("moduleId"))));
    }

    private CompletableFuture<RestResponse> invoke(RestRequest request, Function<RestRequest, IdentityId> target) {
        try {
            authenticator.authorize(request.header("Authorization"), request.path(), Permission.ServiceConnect);
            return methods.invoke(invocation(target.apply(request), Json.parseObject(request.body())))
                    .handle((result, failure) -> failure == null ? RestResponse.ok(answer(result), null) : error(failure));
        } catch (HubException e) {
            return CompletableFuture.completedFuture(RestResponse.errorInMessage(e, clock.instant()));
        }
    }

    private RestResponse error(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof HubException e) {
            return RestResponse.errorInMessage(e, clock.instant());
        }
        throw new CompletionException(cause); // the routes answer it as the hub's internal error
    }

    private static MethodInvocation invocation(IdentityId target, ObjectNode body) {
        JsonNode name = body.get("methodName");
        JsonNode payload = body.get("payload");
        return MethodInvocation.of(target, name != null && name.isTextual() ? name.textValue() : null,
                payload == null ? new byte[0] : Json.bytes(payload),
                seconds(body, "connectTimeoutInSeconds"), seconds(body, "responseTimeoutInSeconds"));
    }

    /** A timeout field: absent or null for the hub's default, else a whole number of seconds. */
    private static Integer seconds(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw HubException.badFormat(field + " must be a whole number of seconds.");
        }
        return value.intValue();
    }

    /** {@code {"status": …, "payload": …}}: both keys always, as the C SDK requires. */
    private static ObjectNode answer(MethodResult result) {
        ObjectNode answer = Json.object();
        answer.put("status", result.status());
        answer.set("payload", payload(result.payload()));
        return answer;
    }

    private static JsonNode payload(byte[] body) {
        if (body.length == 0) {
            return JsonNodeFactory.instance.nullNode();
        }
        try {
            return Json.parse(body);
        } catch (HubException notJson) {
            return JsonNodeFactory.instance.textNode(new String(body, StandardCharsets.UTF_8));
        }
    }
}
