package dev.iothub.tools.updatemoduletwin;

import static dev.iothub.tools.common.testing.Output.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.JarRun;
import dev.iothub.tools.common.testing.ServiceSide;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** update-module-twin.jar as a user runs it: alone on the class path, configured by the environment. */
class UpdateModuleTwinJarIT {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.23");

    @Test
    void patchesTheTwinWithTheConnectionStringFromTheEnvironment() throws Exception {
        ServiceSide.createModule(EMULATOR.hub(), "jar-device", "jar-module");
        try (JarRun run = JarRun.tool("update-module-twin",
                Map.of("IOTHUB_CONNECTION_STRING", EMULATOR.hub().serviceConnectionString()),
                "--ca-cert", EMULATOR.hub().caCertificatePem().toString(),
                "--device-id", "jar-device", "--module-id", "jar-module", "--desired", "{\"telemetryInterval\":9}")) {
            assertEquals(0, run.exitCode(WAIT), run.toString());
            assertTrue(run.out().toString().contains("desired:  {\"telemetryInterval\":9,\"$version\":2}"), run.toString());
            assertEquals("", run.err().toString(), "the SDK's log stays quiet");
        }
        assertEquals(9, ((Number) ServiceSide.desired(EMULATOR.hub(), "jar-device", "jar-module").get("telemetryInterval")).intValue());
    }

    /** IOTHUB_CA_CERT is --ca-cert's default, as IOTHUB_CONNECTION_STRING is -c's. */
    @Test
    void theCaComesFromTheEnvironmentToo() throws Exception {
        ServiceSide.createModule(EMULATOR.hub(), "ca-device", "ca-module");
        try (JarRun run = JarRun.tool("update-module-twin",
                Map.of("IOTHUB_CONNECTION_STRING", EMULATOR.hub().serviceConnectionString(),
                        "IOTHUB_CA_CERT", EMULATOR.hub().caCertificatePem().toString()),
                "--device-id", "ca-device", "--module-id", "ca-module", "--desired", "{\"telemetryInterval\":7}")) {
            assertEquals(0, run.exitCode(WAIT), run.toString());
        }
    }

    @Test
    void helpListsTheOptionsAndExitCodes() throws Exception {
        try (JarRun help = JarRun.tool("update-module-twin", Map.of(), "--help")) {
            assertEquals(0, help.exitCode(WAIT), help.toString());
            for (String expected : new String[] {"--desired=JSON|@FILE", "--retry-on-conflict=N", "--etag=ETAG", "--force", "Exit codes:"}) {
                assertTrue(help.out().toString().contains(expected), expected + "\n" + help);
            }
        }
    }
}
