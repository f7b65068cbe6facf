package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.RawRest.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawRest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device-to-cloud messages over HTTPS as the SDKs the Java suite cannot run send them, and the hub's refusals: a
 * module's message (no Java ModuleClient speaks HTTPS) with Node's headers, the batches of Node's
 * {@code sendEventBatch} and the C SDK's {@code iothubtransporthttp.c}, and what the hub answers a batch it cannot read
 * (400), a caller it does not let in (401, 404), and a request over 256 KB (413).
 */
class HttpsTelemetryWireTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.80");
    private static final String API = RawRest.API;
    private static final String BATCH = "application/vnd.microsoft.iothub.json";

    @Test
    void aModulesMessageIsKeptWithItsHeadersAsTheMessagesProperties() throws Exception {
        String key = key(hub().moduleConnectionString("https-module", "m"));
        String path = "/devices/https-module/modules/m/messages/events";

        HttpResponse<String> answer = rest().send("POST", path + API, "{\"temperature\":21.5}",
                token("/devices/https-module/modules/m", key, null),
                "Content-Type", "application/octet-stream",
                "IoTHub-MessageId", "mid-1", "IoTHub-CorrelationId", "cid-1", "IoTHub-UserId", "user-1",
                "iothub-contenttype", "application/json", "iothub-contentencoding", "utf-8",
                "iothub-creation-time-utc", "2026-12-07T18:00:00.000Z", "iothub-to", path,
                "iothub-app-alert", "a!#$%&'*+-.^_`|~z", "iothub-app-unit", "C");

        assertEquals(204, answer.statusCode(), answer.body());
        assertEquals("", answer.body());
        TelemetryMessage kept = only(sentBy("https-module"));
        assertEquals("{\"temperature\":21.5}", kept.bodyAsString());
        assertEquals(List.of("mid-1", "cid-1", "application/json", "utf-8"),
                List.of(kept.messageId(), kept.correlationId(), kept.contentType(), kept.contentEncoding()));
        assertEquals(Map.of("alert", "a!#$%&'*+-.^_`|~z", "unit", "C"), kept.properties());
        assertEquals("m", kept.moduleId());
        assertEquals(Map.of("iothub-connection-device-id", "https-module", "iothub-connection-module-id", "m",
                "iothub-connection-auth-method",
                "{\"scope\":\"module\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}",
                "iothub-connection-auth-generation-id",
                new RegistryClient(hub().serviceConnectionString()).getModule("https-module", "m").getGenerationId(),
                "iothub-message-source", "Telemetry",
                "iothub-creation-time-utc", "2026-12-07T18:00:00.000Z"), kept.systemProperties());
    }

    /**
     * Node and the C SDK send bytes base64 without {@code base64Encoded}, the C SDK text as a JSON string with
     * {@code "base64Encoded":false}; a DeviceConnect policy's token sends for any device, and the auth method says so.
     */
    @Test
    void aBatchAsNodeAndTheCSdkSendItIsKeptMessageByMessage() throws Exception {
        hub().deviceConnectionString("https-batch");
        String batch = "[{\"body\":\"" + base64("{\"n\":1}") + "\",\"properties\":{\"iothub-app-alert\":\"on\","
                + "\"iothub-messageid\":\"mid-1\"}},"
                + "{\"body\":\"caf\\u00e9 \\\"2\\\"\",\"base64Encoded\":false},"
                + "{\"body\":\"\"}]";

        HttpResponse<String> answer = rest().send("POST", "/devices/https-batch/messages/events" + API, batch,
                policyToken("device"), "Content-Type", BATCH);

        assertEquals(204, answer.statusCode(), answer.body());
        List<TelemetryMessage> kept = sentBy("https-batch");
        assertEquals(List.of("{\"n\":1}", "café \"2\"", ""),
                kept.stream().map(TelemetryMessage::bodyAsString).toList());
        assertEquals(Map.of("alert", "on"), kept.get(0).properties());
        assertEquals("mid-1", kept.get(0).messageId());
        assertEquals(Map.of(), kept.get(1).properties());
        assertEquals("{\"scope\":\"hub\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}",
                kept.get(2).systemProperties().get("iothub-connection-auth-method"));
        assertEquals(List.of(kept.get(0).sequenceNumber() + 1, kept.get(0).sequenceNumber() + 2),
                List.of(kept.get(1).sequenceNumber(), kept.get(2).sequenceNumber()), "in order");
    }

    /** An empty body is a message too, as Node's tests of empty messages send it. */
    @Test
    void anEmptyBodyIsAMessage() throws Exception {
        String key = key(hub().deviceConnectionString("https-empty"));
        String token = token("/devices/https-empty", key, null);

        assertEquals(204, rest().send("POST", "/devices/https-empty/messages/events" + API, "", token).statusCode());

        TelemetryMessage kept = only(sentBy("https-empty"));
        assertArrayEquals(new byte[0], kept.body());
        assertEquals(Map.of(), kept.properties());
    }

    @Test
    void aBatchTheHubCannotReadIs400AndNothingOfItIsKept() throws Exception {
        String key = key(hub().deviceConnectionString("https-bad-batch"));
        String token = token("/devices/https-bad-batch", key, null);
        String good = "{\"body\":\"" + base64("ok") + "\"}";
        for (String batch : List.of("[" + good + ",", "{\"body\":\"b2s=\"}", "[]", "[" + good + ",{}]",
                "[" + good + ",{\"body\":42}]", "[" + good + ",{\"body\":\"not base64!\"}]",
                "[" + good + ",{\"body\":\"b2s=\",\"base64Encoded\":\"true\"}]",
                "[" + good + ",{\"body\":\"b2s=\",\"properties\":{\"iothub-app-n\":1}}]",
                "[" + good + ",{\"body\":\"b2s=\",\"properties\":[]}]", "[" + good + ",\"b2s=\"]")) {
            assertError(rest().send("POST", "/devices/https-bad-batch/messages/events" + API, batch, token,
                    "Content-Type", BATCH), 400, "ArgumentInvalid");
        }

        assertEquals(List.of(), sentBy("https-bad-batch"));
    }

    /** As on every device-side route, the hub checks credentials first: a batch it cannot read is a 401 without. */
    @Test
    void theCallerMustBeTheDeviceOrModuleItself() throws Exception {
        String deviceKey = key(hub().deviceConnectionString("https-caller"));
        String moduleKey = key(hub().moduleConnectionString("https-caller", "m"));
        String events = "/devices/https-caller/messages/events" + API;
        String moduleEvents = "/devices/https-caller/modules/m/messages/events" + API;

        assertError(rest().send("POST", events, "[", null, "Content-Type", BATCH), 401, "IotHubUnauthorizedAccess");
        assertError(rest().send("POST", events, "{}", token("/devices/https-caller", moduleKey, null)), 401,
                "IotHubUnauthorizedAccess");
        assertError(rest().send("POST", events, "{}", policyToken("service")), 401, "IotHubUnauthorizedAccess");
        assertError(rest().send("POST", moduleEvents, "{}", token("/devices/https-caller", deviceKey, null)), 401,
                "IotHubUnauthorizedAccess");
        assertError(rest().send("POST", "/devices/nobody/messages/events" + API, "{}",
                token("/devices/nobody", deviceKey, null)), 404, "DeviceNotFound");
        assertError(rest().send("POST", "/devices/https-caller/modules/nobody/messages/events" + API, "{}",
                token("/devices/https-caller/modules/nobody", moduleKey, null)), 404, "ModuleNotFound");
        assertEquals(List.of(), sentBy("https-caller"));

        assertEquals(204, rest().send("POST", moduleEvents, "{}", token("/devices/https-caller/modules/m", moduleKey,
                null)).statusCode());
        assertEquals("m", only(sentBy("https-caller")).moduleId());
    }

    /** The hub takes 256 KB in one request, a message's body and properties, or a batch's messages together. */
    @Test
    void aRequestOver256KbIs413AndNothingOfItIsKept() throws Exception {
        String key = key(hub().deviceConnectionString("https-large"));
        String token = token("/devices/https-large", key, null);
        String events = "/devices/https-large/messages/events" + API;
        String half = base64("x".repeat(130 * 1024));

        assertError(rest().send("POST", events, "x".repeat(256 * 1024 - 7), token, "iothub-app-too", "large"), 413,
                "MessageTooLarge");
        assertError(rest().send("POST", events, "[{\"body\":\"" + half + "\"},{\"body\":\"" + half + "\"}]", token,
                "Content-Type", BATCH), 413, "MessageTooLarge");
        assertEquals(List.of(), sentBy("https-large"));

        assertEquals(204, rest().send("POST", events, "x".repeat(256 * 1024 - 8), token, "iothub-app-too", "large")
                .statusCode(), "up to 256 KB");
        assertEquals(1, sentBy("https-large").size());
    }

    private static HubEmulator hub() {
        return emulator.hub();
    }

    private static RawRest rest() {
        return new RawRest(hub());
    }

    private static List<TelemetryMessage> sentBy(String deviceId) {
        return hub().receivedTelemetry().stream().filter(message -> message.deviceId().equals(deviceId)).toList();
    }

    private static TelemetryMessage only(List<TelemetryMessage> messages) {
        assertEquals(1, messages.size(), messages.toString());
        return messages.get(0);
    }

    private static String key(String connectionString) {
        return ExternalHub.valueOf(connectionString, "SharedAccessKey");
    }

    private static String token(String path, String key, String policy) {
        return SharedAccessSignature.sign(hub().hostName() + path, key, policy, Instant.now().plusSeconds(300));
    }

    private static String policyToken(String policy) {
        return token("", key(hub().connectionString(policy)), policy);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
