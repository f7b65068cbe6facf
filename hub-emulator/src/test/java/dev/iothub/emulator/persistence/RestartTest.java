package dev.iothub.emulator.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.HubEmulatorCommand;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.EmulatorProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Identities, keys, twins, queued cloud-to-device messages and the CA survive a restart on the same data directory,
 * even after kill -9.
 */
class RestartTest {
    @TempDir
    Path dataDirectory;
    private SSLSocketFactory previousDefault;

    @BeforeEach
    void rememberTrust() {
        previousDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
    }

    @AfterEach
    void restoreTrust() {
        HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
    }

    @Test
    void aRestartKeepsIdentitiesKeysTwinsAndTheCa() throws Exception {
        String connectionString;
        String ca;
        Module module;
        try (HubEmulator hub = start("127.0.0.7")) {
            connectionString = hub.serviceConnectionString();
            ca = Files.readString(hub.caCertificatePem());
            RegistryClient registry = new RegistryClient(connectionString);
            registry.addDevice(new Device("kept", AuthenticationType.SAS));
            module = registry.addModule(new Module("kept", "m", AuthenticationType.SAS));
            patchDesired(new TwinClient(connectionString), "kept", 122);
        }

        try (HubEmulator hub = start("127.0.0.7")) {
            assertEquals(connectionString, hub.serviceConnectionString(), "same policy keys");
            assertEquals(ca, Files.readString(hub.caCertificatePem()), "same CA");
            Module reloaded = new RegistryClient(connectionString).getModule("kept", "m");
            assertEquals(module.getPrimaryKey(), reloaded.getPrimaryKey());
            assertEquals(module.getGenerationId(), reloaded.getGenerationId());
            Twin twin = new TwinClient(connectionString).get("kept", "m");
            assertEquals(122, ((Number) twin.getDesiredProperties().get("telemetryInterval")).intValue());
            assertEquals(2, twin.getDesiredProperties().getVersion());
        }
    }

    @Test
    void aWriteAcknowledgedBeforeKill9IsThereAfterRestart() throws Exception {
        try (EmulatorProcess emulator = EmulatorProcess.start(List.of(
                ProcessHandle.current().info().command().orElseThrow(), "-cp", System.getProperty("java.class.path"),
                HubEmulatorCommand.class.getName(), "--address", "127.0.0.8", "--data-dir", dataDirectory.toString()))) {
            HttpsURLConnection.setDefaultSSLSocketFactory(emulator.clientSslContext().getSocketFactory());
            RegistryClient registry = new RegistryClient(emulator.serviceConnectionString());
            registry.addDevice(new Device("survivor", AuthenticationType.SAS));
            registry.addModule(new Module("survivor", "m", AuthenticationType.SAS));
            patchDesired(new TwinClient(emulator.serviceConnectionString()), "survivor", 7);

            emulator.process().destroyForcibly(); // SIGKILL: no shutdown hook, no store close
            assertTrue(emulator.process().waitFor(30, TimeUnit.SECONDS));
        }

        try (HubEmulator hub = start("127.0.0.8")) {
            Twin twin = new TwinClient(hub.serviceConnectionString()).get("survivor", "m");
            assertEquals(7, ((Number) twin.getDesiredProperties().get("telemetryInterval")).intValue());
        }
    }

    /** Cloud-to-device messages wait in the store: a device away across a restart still gets them, in order. */
    @Test
    void messagesQueuedBeforeARestartReachTheDeviceAfterIt() throws Exception {
        String key;
        try (HubEmulator hub = start("127.0.0.64")) {
            key = new RegistryClient(hub.serviceConnectionString())
                    .addDevice(new Device("away", AuthenticationType.SAS)).getPrimaryKey();
            MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(),
                    IotHubServiceClientProtocol.AMQPS,
                    MessagingClientOptions.builder().sslContext(hub.clientSslContext()).build());
            messaging.open();
            try {
                for (String body : new String[] {"first", "second"}) {
                    Message message = new Message(body.getBytes(StandardCharsets.UTF_8));
                    message.setMessageId(body + "-id");
                    message.setProperties(Map.of("order", body));
                    messaging.send("away", message);
                }
            } finally {
                messaging.close();
            }
        }

        try (HubEmulator hub = start("127.0.0.64")) {
            RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
            assertEquals(2, registry.getDevice("away").getCloudToDeviceMessageCount());
            BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
            DeviceClient device = new DeviceClient("HostName=" + hub.hostName() + ";DeviceId=away;SharedAccessKey="
                    + key, IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(hub.clientSslContext()).build());
            device.setMessageCallback((message, context) -> {
                received.add(message);
                return IotHubMessageResult.COMPLETE;
            }, null);
            device.open(true);
            try {
                for (String body : new String[] {"first", "second"}) {
                    com.microsoft.azure.sdk.iot.device.Message message = received.poll(30, TimeUnit.SECONDS);
                    assertEquals(body, new String(message.getBytes(), StandardCharsets.UTF_8));
                    assertEquals(body + "-id", message.getMessageId());
                    assertEquals(body, message.getProperty("order"));
                }
                Conditions.await("both completed", () -> registry.getDevice("away").getCloudToDeviceMessageCount() == 0);
            } finally {
                device.close();
            }
        }
    }

    /**
     * Telemetry on the built-in endpoint is kept in the store: after a restart the messages are there, where they
     * were, numbering goes on after them, and the partition count the hub was created with stays.
     */
    @Test
    void telemetryIsKeptAcrossARestartAndItsPartitionCountToo() throws Exception {
        String connectionString;
        List<TelemetryMessage> before;
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.69").dataDirectory(dataDirectory)
                .partitionCount(8).start()) {
            connectionString = hub.deviceConnectionString("sender");
            send(hub, connectionString, "first", "second");
            before = hub.receivedTelemetry();
        }

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> HubEmulator.builder()
                .address("127.0.0.69").dataDirectory(dataDirectory).partitionCount(4).start());
        assertTrue(refused.getMessage().startsWith("This hub was created with 8 partitions"), refused.getMessage());

        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.69").dataDirectory(dataDirectory).start()) {
            assertEquals(before.stream().map(RestartTest::placeAndBody).toList(),
                    hub.receivedTelemetry().stream().map(RestartTest::placeAndBody).toList());
            send(hub, connectionString, "third");
            List<TelemetryMessage> after = hub.receivedTelemetry();
            assertEquals(List.of("first", "second", "third"),
                    after.stream().map(TelemetryMessage::bodyAsString).toList());
            assertEquals(before.get(1).sequenceNumber() + 1, after.get(2).sequenceNumber());
            assertEquals(before.get(1).partition(), after.get(2).partition());
        }
    }

    private static void send(HubEmulator hub, String connectionString, String... bodies) throws Exception {
        DeviceClient device = new DeviceClient(connectionString, IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        device.open(true);
        try {
            for (String body : bodies) {
                device.sendEvent(new com.microsoft.azure.sdk.iot.device.Message(body), 10_000);
            }
        } finally {
            device.close();
        }
    }

    private static String placeAndBody(TelemetryMessage message) {
        return message.partition() + "/" + message.sequenceNumber() + " " + message.bodyAsString() + " "
                + message.enqueuedTime();
    }

    private HubEmulator start(String address) throws Exception {
        HubEmulator hub = HubEmulator.builder().address(address).dataDirectory(dataDirectory).start();
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());
        return hub;
    }

    private static void patchDesired(TwinClient twins, String deviceId, int interval) throws Exception {
        Twin twin = twins.get(deviceId, "m");
        twin.getDesiredProperties().put("telemetryInterval", interval);
        twins.patch(twin, "\"" + twin.getETag() + "\"");
    }
}
