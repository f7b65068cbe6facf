package dev.iothub.emulator.internal.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.DefaultTrust;
import dev.iothub.emulator.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model id in the MQTT user name as the SDK families without a Java test here write it: the C SDK
 * percent-encodes it with lower-case escapes after its DeviceClientType (iothubtransport_mqtt_common.c), the Node
 * SDK writes it as it is, before its DeviceClientType (azure-iot-device-mqtt's mqtt.ts). The twin keeps it across
 * a restart on the same data directory.
 */
class MqttModelIdTest {
    private static final String ADDRESS = "127.0.0.55";
    private static final String THERMOSTAT = "dtmi:com:example:Thermostat;1";

    @TempDir
    Path data;

    @Test
    @SuppressWarnings("try") // trust does its work by being open: the service SDK's HTTPS trusts the emulator meanwhile
    void theCAndNodeSdksUserNamesAnnounceAModelThatSurvivesARestart() throws Exception {
        try (HubEmulator hub = start(); DefaultTrust trust = DefaultTrust.of(hub)) {
            RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
            String deviceKey = registry.addDevice(new Device("node", AuthenticationType.SAS)).getPrimaryKey();
            registry.addDevice(new Device("c", AuthenticationType.SAS));
            String moduleKey = registry.addModule(new Module("c", "m", AuthenticationType.SAS)).getPrimaryKey();

            connect(hub, "c", "m", moduleKey, "api-version=2020-09-30&DeviceClientType=iothubclient%2f1.14.0%20"
                    + "(native%3b%20Linux%3b%20x86_64)&model-id=dtmi%3acom%3aexample%3aThermostat%3b1");
            connect(hub, "node", null, deviceKey, "api-version=2020-09-30&model-id=" + THERMOSTAT
                    + "&DeviceClientType=azure-iot-device%2F1.18.3%20(node%20v20.11.1%3B%20Linux)");

            assertEquals(THERMOSTAT, new TwinClient(hub.serviceConnectionString()).get("c", "m").getModelId());
            assertEquals(THERMOSTAT, new TwinClient(hub.serviceConnectionString()).get("node").getModelId());
        }

        try (HubEmulator hub = start(); DefaultTrust trust = DefaultTrust.of(hub)) {
            TwinClient twins = new TwinClient(hub.serviceConnectionString());
            assertEquals(THERMOSTAT, twins.get("c", "m").getModelId(), "kept in the store");
            assertEquals(THERMOSTAT, twins.get("node").getModelId(), "kept in the store");
        }
    }

    /** Connects with the user name's {@code query} and leaves once the hub has accepted the connection. */
    private static void connect(HubEmulator hub, String deviceId, String moduleId, String key, String query)
            throws Exception {
        try (RawMqttClient client = RawMqttClient.connect(hub, deviceId, moduleId, key, 60, true, query)) {
            assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, client.connAck().variableHeader().connectReturnCode());
        }
    }

    private HubEmulator start() throws Exception {
        return HubEmulator.builder().address(ADDRESS).dataDirectory(data).start();
    }
}
