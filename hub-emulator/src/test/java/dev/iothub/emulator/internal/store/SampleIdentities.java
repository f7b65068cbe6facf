package dev.iothub.emulator.internal.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Authentication;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.model.Twin;
import dev.iothub.emulator.internal.twin.TwinUpdates;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

/** Identities for store tests, with twins that have content, metadata and versions past the first. */
final class SampleIdentities {
    private static final Instant NOW = Instant.parse("2024-05-06T07:08:09.123456789Z");

    private SampleIdentities() {
    }

    static Identity device(String deviceId) {
        return identity(IdentityId.device(deviceId));
    }

    /** A module that announced an IoT Plug and Play model. */
    static Identity module(String deviceId, String moduleId) {
        Identity module = identity(IdentityId.module(deviceId, moduleId));
        return module.withTwin(module.twin().withModelId("dtmi:com:example:Thermostat;1"));
    }

    /** A sas identity whose status was never updated (statusUpdatedTime null). */
    static Identity identity(IdentityId id) {
        ObjectNode tags = Json.object().put("site", "north");
        tags.putObject("rack").put("row", 3).put("slot", 1.5);
        ObjectNode desired = Json.object().put("interval", 30);
        desired.putObject("limits").put("max", 100).putArray("modes").add("eco").add("fast");
        ObjectNode reported = Json.object().put("firmware", "1.2.3").putNull("gone");
        Twin twin = TwinUpdates.patch(Twin.created("2026-01-01T00:00:00.0000000Z"), tags, desired, NOW);
        twin = TwinUpdates.patchReported(twin, reported, NOW.plusSeconds(1));
        return new Identity(id, "gen-" + id, "etag-" + id, Identity.ENABLED, null, null,
                Authentication.sas("primary-" + id, "secondary-" + id), null, false, null, List.of(), twin);
    }

    static String stored(Identity identity) {
        return new String(IdentityCodec.encode(identity), StandardCharsets.UTF_8);
    }

    /** An x509 edge device with every optional field set. */
    static Identity edgeDevice(String deviceId) {
        return new Identity(IdentityId.device(deviceId), "gen", "etag", "disabled", "maintenance", NOW,
                new Authentication("selfSigned", null, null, "AB12", "CD34"), "operator", true,
                "ms-azure-iot-edge://" + deviceId + "-1", List.of("ms-azure-iot-edge://parent-2"), Twin.created("2026-01-01T00:00:00.0000000Z"));
    }
}
