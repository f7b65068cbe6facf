package dev.iothub.tools.updatemoduletwin;

import static dev.iothub.tools.common.testing.HubArgs.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.auth.IotHubConnectionStringBuilder;
import com.microsoft.azure.sdk.iot.service.auth.IotHubServiceSasToken;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.Run;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * update-module-twin takes every id IoT Hub allows, {@code %}, {@code #} and {@code ?} too, which it escapes in the
 * URLs the service SDK builds unescaped. The identities are made over REST here, as the SDK cannot create them.
 */
class IdsTheHubAllowsTest {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.47");

    private static final String DEVICE_ID = "device#1?a=b";
    private static final String MODULE_ID = "module%41";
    /** Both, as a REST path carries them. */
    private static final String DEVICE_IN_PATH = "device%231%3Fa=b";
    private static final String MODULE_IN_PATH = "module%2541";

    @Test
    void patchesTheTwinOfAModuleWhoseIdsHoldCharactersThatUrlsEscape() throws Exception {
        rest("PUT", "/devices/" + DEVICE_IN_PATH, "{\"deviceId\":\"" + DEVICE_ID + "\"}");
        rest("PUT", "/devices/" + DEVICE_IN_PATH + "/modules/" + MODULE_IN_PATH,
                "{\"deviceId\":\"" + DEVICE_ID + "\",\"moduleId\":\"" + MODULE_ID + "\"}");

        Run run = Run.of(UpdateModuleTwin.commandLine(new UpdateModuleTwin()), service(EMULATOR.hub(),
                "--device-id", DEVICE_ID, "--module-id", MODULE_ID, "--desired", "{\"mode\":\"eco\"}"));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().toString().contains("Module twin " + DEVICE_ID + "/" + MODULE_ID + " before the update"),
                run.toString());

        JsonObject twin = rest("GET", "/twins/" + DEVICE_IN_PATH + "/modules/" + MODULE_IN_PATH, null);
        assertEquals(MODULE_ID, twin.get("moduleId").getAsString());
        assertEquals("eco", twin.getAsJsonObject("properties").getAsJsonObject("desired").get("mode").getAsString());
    }

    /** A request of the registry's REST API, answered 200; its answer's JSON. */
    private static JsonObject rest(String method, String path, String body) throws Exception {
        String token = new IotHubServiceSasToken(
                IotHubConnectionStringBuilder.createIotHubConnectionString(EMULATOR.hub().serviceConnectionString())).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://" + EMULATOR.hub().hostName() + path
                        + "?api-version=2021-04-12"))
                .header("Authorization", token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpClient client = HttpClient.newBuilder().sslContext(EMULATOR.hub().clientSslContext()).build();
        HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), method + " " + path + ": " + answer.body());
        return JsonParser.parseString(answer.body()).getAsJsonObject();
    }
}
