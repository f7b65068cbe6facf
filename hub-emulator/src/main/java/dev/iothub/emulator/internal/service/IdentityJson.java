package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Authentication;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.ConnectionStates.ConnectionState;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Device and module identities as the registry REST API reads and writes them. */
final class IdentityJson {
    private static final List<String> AUTH_TYPES = List.of("sas", "selfSigned", "certificateAuthority", "none");

    private IdentityJson() {
    }

    /** Reads a PUT body into a draft identity for {@code id}, the identity the URL names. */
    static Identity read(ObjectNode body, IdentityId id) {
        checkIdMatches(body, "deviceId", id.deviceId());
        if (id.isModule()) {
            checkIdMatches(body, "moduleId", id.moduleId());
        }
        String status = id.isModule() ? Identity.ENABLED : readStatus(body);
        JsonNode capabilities = body.path("capabilities");
        return new Identity(id, null, null, status, text(body, "statusReason"), null,
                readAuthentication(body.path("authentication")), text(body, "managedBy"),
                capabilities.path("iotEdge").asBoolean(false), text(body, "deviceScope"),
                readScopes(body.path("parentScopes")), null);
    }

    /** The identity as the registry answers it, with its connection state and its waiting cloud-to-device messages. */
    static ObjectNode write(Identity identity, IdentityRegistry registry, CloudToDeviceHub cloudToDevice) {
        return write(identity, registry.connections().of(identity.id()), cloudToDevice.count(identity.id()));
    }

    private static ObjectNode write(Identity identity, ConnectionState connection, int cloudToDeviceMessages) {
        ObjectNode json = Json.object();
        json.put("deviceId", identity.id().deviceId());
        if (identity.id().isModule()) {
            json.put("moduleId", identity.id().moduleId());
            json.put("managedBy", identity.managedBy() == null ? "" : identity.managedBy());
        }
        json.put("generationId", identity.generationId());
        json.put("etag", identity.etag());
        json.put("connectionState", connection.name());
        json.put("connectionStateUpdatedTime", Json.timestamp(connection.updated()));
        json.put("lastActivityTime", Json.timestamp(connection.lastActivity()));
        json.put("cloudToDeviceMessageCount", cloudToDeviceMessages);
        if (!identity.id().isModule()) {
            json.put("status", identity.status());
            json.put("statusReason", identity.statusReason());
            json.put("statusUpdatedTime", Json.timestamp(identity.statusUpdatedTime()));
            json.putObject("capabilities").put("iotEdge", identity.iotEdge());
            json.put("deviceScope", identity.deviceScope() == null ? "" : identity.deviceScope());
            ArrayNode parentScopes = json.putArray("parentScopes");
            identity.parentScopes().forEach(parentScopes::add);
        }
        json.set("authentication", writeAuthentication(identity.authentication()));
        return json;
    }

    private static ObjectNode writeAuthentication(Authentication auth) {
        ObjectNode json = Json.object();
        ObjectNode symmetricKey = json.putObject("symmetricKey");
        symmetricKey.put("primaryKey", auth.primaryKey());
        symmetricKey.put("secondaryKey", auth.secondaryKey());
        ObjectNode thumbprint = json.putObject("x509Thumbprint");
        thumbprint.put("primaryThumbprint", auth.primaryThumbprint());
        thumbprint.put("secondaryThumbprint", auth.secondaryThumbprint());
        json.put("type", auth.type());
        return json;
    }

    private static Authentication readAuthentication(JsonNode auth) {
        if (auth.isMissingNode() || auth.isNull()) {
            return null;
        }
        String type = auth.path("type").isTextual() ? auth.path("type").textValue() : "sas";
        if (!AUTH_TYPES.contains(type)) {
            throw HubException.badFormat("Authentication type '" + type + "' is not one of " + AUTH_TYPES + ".");
        }
        JsonNode keys = auth.path("symmetricKey");
        JsonNode thumbprints = auth.path("x509Thumbprint");
        return new Authentication(type, text(keys, "primaryKey"), text(keys, "secondaryKey"),
                text(thumbprints, "primaryThumbprint"), text(thumbprints, "secondaryThumbprint"));
    }

    private static String readStatus(ObjectNode body) {
        String status = text(body, "status");
        if (status == null || status.isEmpty()) {
            return Identity.ENABLED;
        }
        String lower = status.toLowerCase(Locale.ROOT);
        if (!lower.equals("enabled") && !lower.equals("disabled")) {
            throw HubException.badFormat("Status '" + status + "' is neither enabled nor disabled.");
        }
        return lower;
    }

    private static List<String> readScopes(JsonNode scopes) {
        List<String> list = new ArrayList<>();
        scopes.forEach(scope -> list.add(scope.asText()));
        return list;
    }

    private static void checkIdMatches(ObjectNode body, String field, String expected) {
        String given = text(body, field);
        if (given != null && !given.isEmpty() && !given.equals(expected)) {
            throw HubException.badFormat("The " + field + " in the request body, '" + given
                    + "', does not match the one in the URL, '" + expected + "'.");
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.textValue() : null;
    }
}
