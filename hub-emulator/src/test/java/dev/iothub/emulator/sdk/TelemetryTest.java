package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.testing.HubUnderTest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the device SDK's DeviceClient and ModuleClient send as telemetry, over each protocol, is what the hub keeps on
 * its built-in endpoint: the body, the application properties and the system properties exactly, in order, with what
 * the hub stamps on each message.
 */
class TelemetryTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.68");

    private InternalClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @ParameterizedTest(name = "module={1} over {0}")
    @MethodSource("dev.iothub.emulator.sdk.RegisteredIdentity#everyClient")
    void whatADeviceSendsIsKeptExactlyAndInOrder(IotHubClientProtocol protocol, boolean module) throws Exception {
        HubEmulator emulator = hub.emulator("reads what the hub received");
        RegisteredIdentity identity = RegisteredIdentity.create(hub,
                hub.deviceId("telemetry-" + protocol + (module ? "-module" : "")), module);
        client = identity.client(protocol, ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        client.open(false);

        Message first = new Message("{\"temperature\":21.5,\"unit\":\"°C\"}");
        first.setMessageId("mid-1");
        first.setCorrelationId("cid/1 & more");
        first.setContentType("application/json");
        first.setContentEncoding("utf-8");
        first.setProperty("alert", "a b&c=d/e%f+g");
        first.setProperty("städte", "Zürich");
        client.sendEvent(first, 10_000);
        client.sendEvent(new Message("{}"), 10_000); // the SDK sends no empty body over MQTT
        client.sendEvent(new Message("third"), 10_000);

        List<TelemetryMessage> sent = emulator.receivedTelemetry().stream()
                .filter(message -> message.deviceId().equals(identity.deviceId())).toList();
        assertEquals(List.of("{\"temperature\":21.5,\"unit\":\"°C\"}", "{}", "third"),
                sent.stream().map(TelemetryMessage::bodyAsString).toList());
        TelemetryMessage kept = sent.get(0);
        assertEquals("mid-1", kept.messageId());
        assertEquals("cid/1 & more", kept.correlationId());
        assertEquals("application/json", kept.contentType());
        assertEquals("utf-8", kept.contentEncoding());
        assertEquals(Map.of("alert", "a b&c=d/e%f+g", "städte", "Zürich"), kept.properties());
        assertEquals(module ? RegisteredIdentity.MODULE_ID : null, kept.moduleId());
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        String generationId = module ? registry.getModule(identity.deviceId(), "m").getGenerationId()
                : registry.getDevice(identity.deviceId()).getGenerationId();
        assertEquals(systemProperties(identity, generationId), kept.systemProperties());
        assertEquals(List.of(kept.sequenceNumber(), kept.sequenceNumber() + 1, kept.sequenceNumber() + 2),
                sent.stream().map(TelemetryMessage::sequenceNumber).toList(), "one partition, in order");
        assertEquals(Map.of(), sent.get(1).properties());
    }

    private static Map<String, String> systemProperties(RegisteredIdentity identity, String generationId) {
        String scope = identity.module() ? "module" : "device";
        Map<String, String> expected = new HashMap<>(Map.of(
                "iothub-connection-device-id", identity.deviceId(),
                "iothub-connection-auth-method",
                "{\"scope\":\"" + scope + "\",\"type\":\"sas\",\"issuer\":\"iothub\",\"acceptingIpFilterRule\":null}",
                "iothub-connection-auth-generation-id", generationId,
                "iothub-message-source", "Telemetry"));
        if (identity.module()) {
            expected.put("iothub-connection-module-id", RegisteredIdentity.MODULE_ID);
        }
        return expected;
    }
}
