package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MqttDeviceTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.34");

    @Test
    void aDeviceReceivesWhatTheServiceDesiresOverMqtt() throws Exception {
        Together.arrive();
        HubEmulator hub = emulator.hub();
        String connectionString = Sdk.addDevice(hub, "sensor");

        DeviceClient device = new DeviceClient(connectionString, IotHubClientProtocol.MQTT, Sdk.trusting(hub));

        assertEquals(30, Sdk.desiredAsPatched(hub, device, "sensor", null, "interval", 30));
    }
}
