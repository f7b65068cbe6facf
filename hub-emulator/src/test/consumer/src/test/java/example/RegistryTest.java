package example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.33");

    @Test
    void aModuleAddedThroughTheRegistryHasATwin() throws Exception {
        Together.arrive();
        Sdk.addModule(emulator.hub(), "thermostat", "m");

        Twin twin = new TwinClient(emulator.hub().serviceConnectionString()).get("thermostat", "m");

        assertEquals("thermostat", twin.getDeviceId());
        assertEquals("m", twin.getModuleId());
    }
}
