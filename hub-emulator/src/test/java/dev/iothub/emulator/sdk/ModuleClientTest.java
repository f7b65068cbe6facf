package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import java.util.Base64;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The unmodified device SDK's ModuleClient, over MQTT and MQTT over WebSocket, against the emulator. */
class ModuleClientTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.5");

    private ModuleClient client;

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS"})
    void receivesDesiredPatchesAndReportsProperties(IotHubClientProtocol protocol) throws Exception {
        String deviceId = "device-" + protocol;
        Module module = createModule(deviceId);
        client = new ModuleClient(connectionString(deviceId, module.getPrimaryKey()), protocol, options());
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> patches = new LinkedBlockingQueue<>();

        client.open(false);
        client.subscribeToDesiredProperties((twin, context) -> patches.add(twin), null);
        com.microsoft.azure.sdk.iot.device.twin.Twin initial = client.getTwin();
        assertEquals(1, initial.getDesiredProperties().getVersion());
        assertTrue(registry().getModule(deviceId, "m").getConnectionState() == DeviceConnectionState.Connected);

        TwinClient twins = new TwinClient(emulator.hub().serviceConnectionString());
        Twin twin = twins.get(deviceId, "m");
        twin.getDesiredProperties().put("telemetryInterval", 122);
        twins.patch(twin, "\"" + twin.getETag() + "\"");

        com.microsoft.azure.sdk.iot.device.twin.Twin patch = patches.poll(10, TimeUnit.SECONDS);
        assertEquals(2, patch.getDesiredProperties().getVersion());
        assertEquals(122, ((Number) patch.getDesiredProperties().get("telemetryInterval")).intValue());

        com.microsoft.azure.sdk.iot.device.twin.TwinCollection reported =
                new com.microsoft.azure.sdk.iot.device.twin.TwinCollection();
        reported.put("telemetryInterval", 122);
        ReportedPropertiesUpdateResponse response = client.updateReportedProperties(reported);
        assertEquals(2, response.getVersion());
        assertEquals(122, ((Number) twins.get(deviceId, "m").getReportedProperties().get("telemetryInterval")).intValue());
        assertEquals(2, client.getTwin().getDesiredProperties().getVersion());
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "MQTT_WS"})
    void aWrongKeyCannotOpen(IotHubClientProtocol protocol) throws Exception {
        String deviceId = "wrong-key-" + protocol;
        createModule(deviceId);
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        client = new ModuleClient(connectionString(deviceId, wrongKey), protocol, options());

        assertThrows(IotHubClientException.class, () -> client.open(false));
        assertEquals(DeviceConnectionState.Disconnected, registry().getModule(deviceId, "m").getConnectionState());
    }

    private Module createModule(String deviceId) throws Exception {
        RegistryClient registry = registry();
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        return registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS));
    }

    private static RegistryClient registry() {
        return new RegistryClient(emulator.hub().serviceConnectionString());
    }

    private static String connectionString(String deviceId, String key) {
        return "HostName=" + emulator.hub().hostName() + ";DeviceId=" + deviceId + ";ModuleId=m;SharedAccessKey=" + key;
    }

    private static ClientOptions options() {
        return ClientOptions.builder().sslContext(emulator.hub().clientSslContext()).build();
    }
}
