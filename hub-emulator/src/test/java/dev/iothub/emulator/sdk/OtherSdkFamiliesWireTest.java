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
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.RawRest;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.15");

    private static RawRest rest() {
        return new RawRest(emulator.hub());
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
        json(send("PUT", "/devices/quoted-wildcard" + API, "{\"deviceId\":\"quoted-wildcard\"}"));
        json(send("PUT", "/devices/quoted-wildcard/modules/m" + API, "{\"deviceId\":\"quoted-wildcard\",\"moduleId\":\"m\"}"));

        json(send("PUT", "/devices/quoted-wildcard" + API, "{\"deviceId\":\"quoted-wildcard\",\"status\":\"disabled\"}",
                "If-Match", "\"*\""));
        json(send("PATCH", "/twins/quoted-wildcard" + API, "{\"tags\":{\"a\":1}}", "If-Match", "\"*\""));
        assertEquals(204, send("DELETE", "/devices/quoted-wildcard/modules/m" + API, null, "If-Match", "\"*\"").statusCode());
        assertEquals(204, send("DELETE", "/devices/quoted-wildcard" + API, null, "If-Match", "\"*\"").statusCode());
        assertError(send("GET", "/devices/quoted-wildcard" + API, null), 404, "DeviceNotFound");
    }

    /** Node's twin.update({properties:{desired:null}}): the hub removes every desired property and tells the device. */
    @Test
    void aNullDesiredRemovesEveryDesiredPropertyAndTellsTheDevice() throws Exception {
        json(send("PUT", "/devices/null-desired" + API, "{\"deviceId\":\"null-desired\"}"));
        String key = json(send("PUT", "/devices/null-desired/modules/m" + API,
                "{\"deviceId\":\"null-desired\",\"moduleId\":\"m\"}")).path("authentication").path("symmetricKey")
                .path("primaryKey").asText();
        json(send("PATCH", "/twins/null-desired/modules/m" + API, "{\"properties\":{\"desired\":{\"a\":1,\"b\":{\"c\":2}}}}"));
        ModuleClient client = new ModuleClient("HostName=" + emulator.hub().hostName()
                + ";DeviceId=null-desired;ModuleId=m;SharedAccessKey=" + key, IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(emulator.hub().clientSslContext()).build());
        try {
            BlockingQueue<Twin> patches = new LinkedBlockingQueue<>();
            client.open(false);
            client.subscribeToDesiredProperties((twin, context) -> patches.add(twin), null);

            JsonNode twin = json(send("PATCH", "/twins/null-desired/modules/m" + API, "{\"properties\":{\"desired\":null}}"));

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
        json(send("PUT", "/devices/new-twin" + API, "{\"deviceId\":\"new-twin\"}"));

        JsonNode properties = json(send("GET", "/twins/new-twin" + API, null)).path("properties");
        for (String side : new String[] {"desired", "reported"}) {
            JsonNode metadata = properties.path(side).path("$metadata");
            assertTrue(metadata.path("$lastUpdated").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), properties.toString());
        }
    }

    /** A request target the hub cannot read (a broken percent-escape) gets its 400, not a closed connection. */
    @Test
    void aMalformedRequestTargetIsA400() throws Exception {
        for (String target : new String[] {"/devices/a%G1" + API, "/devices/a%" + API, "/devices/d?api-version=%zz"}) {
            try (SSLSocket socket = (SSLSocket) emulator.hub().clientSslContext().getSocketFactory()
                    .createSocket(emulator.hub().hostName(), 443)) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: " + emulator.hub().hostName()
                        + "\r\nAuthorization: " + rest().ownerToken() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 400", status, target);
            }
        }
    }
}
