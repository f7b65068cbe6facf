package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AmqpModuleTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.35");

    @Test
    void aModuleReceivesWhatTheServiceDesiresOverAmqps() throws Exception {
        Together.arrive();
        HubEmulator hub = emulator.hub();
        String connectionString = Sdk.addModule(hub, "gateway", "m");

        ModuleClient module = new ModuleClient(connectionString, IotHubClientProtocol.AMQPS, Sdk.trusting(hub));

        assertEquals(45, Sdk.desiredAsPatched(hub, module, "gateway", "m", "interval", 45));
    }
}
