package dev.iothub.emulator.readme;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** README's library example, as written there: the block between the markers must be README's, line for line. */
class ReadmeExampleTest {
    // README example: begin
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.2");

    @AfterEach
    void emptyTheHub() {
        emulator.hub().reset();
    }

    @Test
    void aModuleReportsWhatItWasToldToDo() throws Exception {
        HubEmulator hub = emulator.hub();
        ModuleClient module = new ModuleClient(hub.moduleConnectionString("thermostat", "m"), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        module.open(false);
        try {
            module.subscribeToDesiredProperties((desired, context) -> { }, null); // the SDK's order
            TwinCollection reported = new TwinCollection();
            reported.put("telemetryInterval", 30);
            module.updateReportedProperties(reported, 10_000);
        } finally {
            module.close();
        }

        Twin twin = new TwinClient(hub.serviceConnectionString()).get("thermostat", "m");
        assertEquals(30, ((Number) twin.getReportedProperties().get("telemetryInterval")).intValue());
        assertTrue(hub.receivedOperations().contains("thermostat/m: reported PATCH"));
    }
    // README example: end

    @Test
    void theExampleIsReadmesAsWritten() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/iothub/emulator/readme/ReadmeExampleTest.java"),
                StandardCharsets.UTF_8);
        String example = source.subList(source.indexOf("    // README example: begin") + 1,
                        source.indexOf("    // README example: end")).stream()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n"));

        assertTrue(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8).contains("```java\n" + example + "\n```"),
                "README's library example differs from ReadmeExampleTest's:\n" + example);
    }
}
