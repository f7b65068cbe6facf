package dev.iothub.emulator.readme;

// README imports: begin
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
// README imports: end

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * README's library example, as written there: its imports and the block between the markers must be README's, line
 * for line (the other imports serve this check).
 */
class ReadmeExampleTest {
    // README example: begin
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.2");

    @AfterEach
    void emptyTheHub() {
        emulator.hub().reset();
    }

    @Test
    void aModuleHearsWhatItIsToldToDo() throws Exception {
        HubEmulator hub = emulator.hub();
        ModuleClient module = new ModuleClient(hub.moduleConnectionString("thermostat", "m"), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        BlockingQueue<TwinCollection> patches = new LinkedBlockingQueue<>();
        module.open(false);
        try {
            module.subscribeToDesiredProperties((twin, context) -> patches.add(twin.getDesiredProperties()), null);

            Twin change = new Twin("thermostat", "m");
            change.getDesiredProperties().put("telemetryInterval", 30);
            new TwinClient(hub.serviceConnectionString()).patch(change);

            TwinCollection received = patches.poll(10, TimeUnit.SECONDS);
            assertEquals(30, ((Number) received.get("telemetryInterval")).intValue());
        } finally {
            module.close();
        }
        assertTrue(hub.receivedOperations().contains("thermostat/m: desired subscribe"));
    }
    // README example: end

    @Test
    void theExampleIsReadmesAsWritten() throws Exception {
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/iothub/emulator/readme/ReadmeExampleTest.java"),
                StandardCharsets.UTF_8);
        String imports = String.join("\n", source.subList(source.indexOf("// README imports: begin") + 1,
                source.indexOf("// README imports: end")));
        String example = source.subList(source.indexOf("    // README example: begin") + 1,
                        source.indexOf("    // README example: end")).stream()
                .map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n"));

        assertTrue(Files.readString(Path.of("README.md"), StandardCharsets.UTF_8)
                        .contains("```java\n" + imports + "\n\n" + example + "\n```"),
                "README's library example differs from ReadmeExampleTest's:\n" + imports + "\n\n" + example);
    }
}
