package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.RawRest.API;
import static dev.iothub.emulator.testing.RawRest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.testing.HubUnderTest;
import dev.iothub.emulator.testing.RawRest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests as the other official SDK families send them (Node's and C#'s service SDKs, read in their sources),
 * where they differ from Java's, and what the hub answers.
 */
class OtherSdkFamiliesWireTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.15");

    private static RawRest rest() {
        return new RawRest(hub);
    }

    private static HttpResponse<String> send(String method, String path, String body, String... headers)
            throws Exception {
        return rest().send(method, path, body, rest().ownerToken(), headers);
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertTrue(response.statusCode() / 100 == 2, response.statusCode() + " " + response.body());
        return Json.MAPPER.readTree(response.body());
    }

    /** Node's Registry.delete and C#'s RemoveDeviceAsync(id) send the wildcard quoted. */
    @Test
    void aQuotedWildcardIfMatchMatchesAnyEtag() throws Exception {
        String id = hub.deviceId("quoted-wildcard");
        json(send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\"}"));
        json(send("PUT", "/devices/" + id + "/modules/m" + API, "{\"deviceId\":\"" + id + "\",\"moduleId\":\"m\"}"));

        json(send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\",\"status\":\"disabled\"}",
                "If-Match", "\"*\""));
        json(send("PATCH", "/twins/" + id + API, "{\"tags\":{\"a\":1}}", "If-Match", "\"*\""));
        assertEquals(204, send("DELETE", "/devices/" + id + "/modules/m" + API, null, "If-Match", "\"*\"").statusCode());
        assertEquals(204, send("DELETE", "/devices/" + id + API, null, "If-Match", "\"*\"").statusCode());
        assertError(send("GET", "/devices/" + id + API, null), 404, "DeviceNotFound");
    }

    /** Node's twin.update({properties:{desired:null}}): the hub removes every desired property and tells the device. */
    @Test
    void aNullDesiredRemovesEveryDesiredPropertyAndTellsTheDevice() throws Exception {
        String id = hub.deviceId("null-desired");
        json(send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\"}"));
        String key = json(send("PUT", "/devices/" + id + "/modules/m" + API,
                "{\"deviceId\":\"" + id + "\",\"moduleId\":\"m\"}")).path("authentication").path("symmetricKey")
                .path("primaryKey").asText();
        json(send("PATCH", "/twins/" + id + "/modules/m" + API, "{\"properties\":{\"desired\":{\"a\":1,\"b\":{\"c\":2}}}}"));
        ModuleClient client = new ModuleClient("HostName=" + hub.hostName()
                + ";DeviceId=" + id + ";ModuleId=m;SharedAccessKey=" + key, IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        try {
            BlockingQueue<Twin> patches = new LinkedBlockingQueue<>();
            client.open(false);
            client.subscribeToDesiredProperties((twin, context) -> patches.add(twin), null);

            JsonNode twin = json(send("PATCH", "/twins/" + id + "/modules/m" + API, "{\"properties\":{\"desired\":null}}"));

            JsonNode desired = twin.path("properties").path("desired");
            assertEquals(3, desired.path("$version").asInt(), desired.toString());
            assertFalse(desired.has("a") || desired.has("b"), desired.toString());
            Twin patch = patches.poll(10, TimeUnit.SECONDS);
            assertEquals(3, patch.getDesiredProperties().getVersion());
            // what a device gets here is not documented: a patch that removes each property, as a merge would
            assertTrue(patch.getDesiredProperties().containsKey("a") && patch.getDesiredProperties().get("a") == null
                    && patch.getDesiredProperties().containsKey("b") && patch.getDesiredProperties().get("b") == null,
                    patch.toString());
        } finally {
            client.close();
        }
    }

    /** The hub stamps a new twin's property sides: $metadata is never empty. */
    @Test
    void aNewTwinsMetadataHasItsLastUpdatedTime() throws Exception {
        String id = hub.deviceId("new-twin");
        json(send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\"}"));

        JsonNode properties = json(send("GET", "/twins/" + id + API, null)).path("properties");
        for (String side : new String[] {"desired", "reported"}) {
            JsonNode metadata = properties.path(side).path("$metadata");
            assertTrue(metadata.path("$lastUpdated").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), properties.toString());
        }
    }

    /**
     * The identity registry's property table: a status reason of at most 128 characters; one parent scope at most,
     * since a child has one parent (IoT Edge's offline capabilities page).
     */
    @Test
    void aStatusReasonIsAtMost128CharactersAndADeviceHasOneParent() throws Exception {
        String id = hub.deviceId("reason");
        assertError(send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\",\"statusReason\":\""
                + "r".repeat(129) + "\"}"), 400, "ArgumentInvalid");
        assertEquals(128, json(send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\",\"statusReason\":\""
                + "r".repeat(128) + "\"}")).path("statusReason").asText().length());

        List<String> scopes = new ArrayList<>();
        for (String name : new String[] {"parent-a", "parent-b"}) {
            String edge = hub.deviceId(name);
            scopes.add("\"" + json(send("PUT", "/devices/" + edge + API, "{\"deviceId\":\"" + edge
                    + "\",\"capabilities\":{\"iotEdge\":true}}")).path("deviceScope").asText() + "\"");
        }
        String child = hub.deviceId("two-parents");
        assertError(send("PUT", "/devices/" + child + API, "{\"deviceId\":\"" + child
                + "\",\"capabilities\":{\"iotEdge\":true},\"parentScopes\":[" + String.join(",", scopes) + "]}"),
                400, "ArgumentInvalid");
        assertError(send("GET", "/devices/" + child + API, null), 404, "DeviceNotFound");
    }

    /** C#'s GetDevicesAsync(maxCount) sends {@code /devices/?top=N}; Node's Registry.list sends no top (1000). */
    @Test
    void listsTheFirstDevicesInIdOrderWithoutModules() throws Exception {
        List<String> created = List.of(hub.deviceId("list-c"), hub.deviceId("list-a"), hub.deviceId("list-b"));
        for (String id : created) {
            json(send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\"}"));
        }
        json(send("PUT", "/devices/" + created.get(1) + "/modules/m" + API,
                "{\"deviceId\":\"" + created.get(1) + "\",\"moduleId\":\"m\"}"));

        JsonNode all = json(send("GET", "/devices" + API, null));
        List<String> ids = new ArrayList<>();
        all.forEach(device -> ids.add(device.path("deviceId").asText()));
        assertTrue(ids.containsAll(created), ids.toString());
        assertEquals(ids.stream().sorted().toList(), ids, "in id order");
        all.forEach(device -> assertFalse(device.has("moduleId"), device.toString()));
        assertTrue(all.get(0).path("authentication").path("symmetricKey").has("primaryKey"), all.get(0).toString());

        JsonNode two = json(send("GET", "/devices/" + API + "&top=2", null));
        assertEquals(2, two.size());
        assertEquals(ids.subList(0, 2), List.of(two.get(0).path("deviceId").asText(), two.get(1).path("deviceId").asText()));
        assertEquals(all.size(), json(send("GET", "/devices" + API + "&top=0", null)).size(), "0 means 1000");
        assertError(send("GET", "/devices" + API + "&top=some", null), 400, "ArgumentInvalid");
    }

    /** Node's addDevices, updateDevices and removeDevices: each item applied on its own, failures listed in a 200. */
    @Test
    void bulkOperationsApplyEachDeviceAndListTheFailures() throws Exception {
        String one = hub.deviceId("bulk-1");
        String two = hub.deviceId("bulk-2");
        String three = hub.deviceId("bulk-3");
        JsonNode result = json(send("POST", "/devices" + API, bulk(item(one, "create", ",\"status\":\"enabled\","
                + "\"authentication\":{\"symmetricKey\":{\"primaryKey\":\"\",\"secondaryKey\":\"\"}}"),
                item(two, "create", ""))));
        assertTrue(result.path("isSuccessful").asBoolean(), result.toString());
        assertEquals(0, result.path("errors").size());
        String etag = json(send("GET", "/devices/" + one + API, null)).path("etag").asText();
        assertTrue(json(send("GET", "/devices/" + two + API, null)).path("authentication").path("symmetricKey")
                .path("primaryKey").asText().length() > 20, "keys made as for a PUT");

        String twice = hub.deviceId("twice");
        assertError(send("POST", "/devices" + API, bulk(item(twice, "create", ""), item(twice, "delete", ""))),
                400, "DeviceDefinedMultipleTimes");

        result = json(send("POST", "/devices/" + API, bulk(item(one, "create", ""), item(three, "create", ""),
                item(two, "UpdateIfMatchETag", ",\"eTag\":\"stale\",\"status\":\"disabled\""))));
        assertFalse(result.path("isSuccessful").asBoolean(), result.toString());
        assertEquals(List.of(one + ":DeviceAlreadyExists", two + ":PreconditionFailed"), failures(result));
        json(send("GET", "/devices/" + three + API, null)); // the others applied
        assertEquals("enabled", json(send("GET", "/devices/" + two + API, null)).path("status").asText());

        result = json(send("POST", "/devices" + API, bulk(item(one, "Update", ",\"status\":\"disabled\""),
                item(two, "DeleteIfMatchETag", ",\"eTag\":\"" + etag + "\""), item(three, "Delete", ""))));
        assertEquals(List.of(two + ":PreconditionFailed"), failures(result), "the second's etag is not the first's");
        assertEquals("disabled", json(send("GET", "/devices/" + one + API, null)).path("status").asText());
        assertError(send("GET", "/devices/" + three + API, null), 404, "DeviceNotFound");
    }

    @Test
    void aBulkOperationTakesAtMostAHundredDevices() throws Exception {
        List<String> items = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            items.add(item(hub.deviceId("many-" + i), "create", ""));
        }
        assertError(send("POST", "/devices" + API, bulk(items.toArray(String[]::new))), 413, "TooManyDevices");
        assertError(send("GET", "/devices/" + hub.deviceId("many-0") + API, null), 404, "DeviceNotFound");
    }

    /** One device of a bulk request: its id, its importMode, and further fields (each after a comma). */
    private static String item(String id, String importMode, String fields) {
        return "{\"id\":\"" + id + "\",\"importMode\":\"" + importMode + "\"" + fields + "}";
    }

    private static String bulk(String... items) {
        return "[" + String.join(",", items) + "]";
    }

    private static List<String> failures(JsonNode result) {
        List<String> failures = new ArrayList<>();
        result.path("errors").forEach(error -> failures.add(error.path("deviceId").asText() + ":" + error.path("errorCode").asText()));
        return failures;
    }

    /** A request target the hub cannot read (a broken percent-escape) gets its 400, not a closed connection. */
    @Test
    void aMalformedRequestTargetIsA400() throws Exception {
        hub.assumeEmulator("a real hub's front end may answer bytes no HTTP client sends before the hub does");
        for (String target : new String[] {"/devices/a%G1" + API, "/devices/a%" + API, "/devices/d?api-version=%zz"}) {
            try (SSLSocket socket = (SSLSocket) hub.clientSslContext().getSocketFactory()
                    .createSocket(hub.hostName(), 443)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + hub.hostName()
                        + "\r\nAuthorization: " + rest().ownerToken() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 400", status, target);
            }
        }
    }
}
