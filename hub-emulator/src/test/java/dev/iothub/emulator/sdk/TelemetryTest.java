package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the device SDK's DeviceClient and ModuleClient send as telemetry, over each protocol (HTTPS a DeviceClient's
 * alone), is what the hub keeps on its built-in endpoint: the body, the application properties and the system
 * properties exactly, in order, with what the hub stamps on each message.
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
        keptExactlyAndInOrder(protocol, module, "cid/1 & more", Map.of("alert", "a b&c=d/e%f+g", "städte", "Zürich"));
    }

    /**
     * Over HTTPS, where the SDK has no ModuleClient, properties are headers, whose names and values the hub takes in
     * ASCII letters and digits and {@code !#$%&'*+-.^_`|~} (its docs, "Create and read IoT Hub messages").
     */
    @Test
    void whatADeviceSendsOverHttpsIsKeptExactlyAndInOrder() throws Exception {
        keptExactlyAndInOrder(IotHubClientProtocol.HTTPS, false, "cid-1.more",
                Map.of("alert", "a!#$%&'*+-.^_`|~z", "unit", "C"));
    }

    /** The SDK batches over HTTPS alone: one request, a JSON array; the hub keeps each of its messages, in order. */
    @Test
    void aBatchOverHttpsIsKeptMessageByMessage() throws Exception {
        HubEmulator emulator = hub.emulator("reads what the hub received");
        RegisteredIdentity identity = RegisteredIdentity.create(hub, hub.deviceId("telemetry-batch"), false);
        client = identity.client(IotHubClientProtocol.HTTPS,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        client.open(false);
        Message first = new Message("{\"temperature\":21.5,\"unit\":\"°C\"}");
        first.setMessageId("mid-1");
        first.setCorrelationId("cid-1");
        first.setContentType("application/json");
        first.setContentEncoding("utf-8");
        first.setProperty("alert", "a!#$%&'*+-.^_`|~z");

        client.sendEvents(List.of(first, new Message(new byte[] {0, (byte) 0xff, 7}), new Message("third")), 10_000);

        List<TelemetryMessage> sent = emulator.receivedTelemetry().stream()
                .filter(message -> message.deviceId().equals(identity.deviceId())).toList();
        assertEquals(3, sent.size(), "each message of the batch");
        TelemetryMessage kept = sent.get(0);
        assertEquals("{\"temperature\":21.5,\"unit\":\"°C\"}", kept.bodyAsString());
        assertEquals(List.of("mid-1", "cid-1", "application/json", "utf-8"),
                List.of(kept.messageId(), kept.correlationId(), kept.contentType(), kept.contentEncoding()));
        assertEquals(Map.of("alert", "a!#$%&'*+-.^_`|~z"), kept.properties());
        assertEquals(systemProperties(identity, generationId(identity)), kept.systemProperties());
        assertArrayEquals(new byte[] {0, (byte) 0xff, 7}, sent.get(1).body());
        assertEquals("third", sent.get(2).bodyAsString());
        assertEquals(Map.of(), sent.get(2).properties());
        assertEquals(List.of(kept.sequenceNumber(), kept.sequenceNumber() + 1, kept.sequenceNumber() + 2),
                sent.stream().map(TelemetryMessage::sequenceNumber).toList(), "one partition, in order");
    }

    private void keptExactlyAndInOrder(IotHubClientProtocol protocol, boolean module, String correlationId,
                                       Map<String, String> properties) throws Exception {
        HubEmulator emulator = hub.emulator("reads what the hub received");
        RegisteredIdentity identity = RegisteredIdentity.create(hub,
                hub.deviceId("telemetry-" + protocol + (module ? "-module" : "")), module);
        client = identity.client(protocol, ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        client.open(false);

        Message first = new Message("{\"temperature\":21.5,\"unit\":\"°C\"}");
        first.setMessageId("mid-1");
        first.setCorrelationId(correlationId);
        first.setContentType("application/json");
        first.setContentEncoding("utf-8");
        properties.forEach(first::setProperty);
        client.sendEvent(first, 10_000);
        client.sendEvent(new Message("{}"), 10_000); // the SDK sends no empty body over MQTT
        client.sendEvent(new Message("third"), 10_000);

        List<TelemetryMessage> sent = emulator.receivedTelemetry().stream()
                .filter(message -> message.deviceId().equals(identity.deviceId())).toList();
        assertEquals(List.of("{\"temperature\":21.5,\"unit\":\"°C\"}", "{}", "third"),
                sent.stream().map(TelemetryMessage::bodyAsString).toList());
        TelemetryMessage kept = sent.get(0);
        assertEquals("mid-1", kept.messageId());
        assertEquals(correlationId, kept.correlationId());
        assertEquals("application/json", kept.contentType());
        assertEquals("utf-8", kept.contentEncoding());
        assertEquals(properties, kept.properties());
        assertEquals(module ? RegisteredIdentity.MODULE_ID : null, kept.moduleId());
        assertEquals(systemProperties(identity, generationId(identity)), kept.systemProperties());
        assertEquals(List.of(kept.sequenceNumber(), kept.sequenceNumber() + 1, kept.sequenceNumber() + 2),
                sent.stream().map(TelemetryMessage::sequenceNumber).toList(), "one partition, in order");
        assertEquals(Map.of(), sent.get(1).properties());
    }

    private static String generationId(RegisteredIdentity identity) throws Exception {
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        return identity.module()
                ? registry.getModule(identity.deviceId(), RegisteredIdentity.MODULE_ID).getGenerationId()
                : registry.getDevice(identity.deviceId()).getGenerationId();
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
