package dev.iothub.tools.createmodule;

import static dev.iothub.tools.common.testing.Output.WAIT;
import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.JarRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** create-module.jar as a user runs it: alone on the class path, configured by the environment. */
class CreateModuleJarIT {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.21");

    @Test
    void helpAndVersionWorkWithNothingElseOnTheClassPath() throws Exception {
        try (JarRun help = JarRun.tool("create-module", Map.of(), "--help")) {
            assertEquals(0, help.exitCode(WAIT), help.toString());
            assertTrue(help.out().toString().startsWith("Usage: create-module"), help.toString());
            assertTrue(help.out().toString().contains("Exit codes:"), help.toString());
        }
        try (JarRun version = JarRun.tool("create-module", Map.of(), "--version")) {
            assertEquals(0, version.exitCode(WAIT), version.toString());
            assertEquals("create-module " + System.getProperty("project.version"), version.out().toString().strip());
        }
    }

    @Test
    void takesTheConnectionStringFromTheEnvironment() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("IOTHUB_CONNECTION_STRING", EMULATOR.hub().serviceConnectionString());
        try (JarRun run = JarRun.tool("create-module", environment,
                "--ca-cert", EMULATOR.hub().caCertificatePem().toString(), "--device-id", "jar-device")) {
            assertEquals(0, run.exitCode(WAIT), run.toString());
            assertTrue(run.out().toString().contains("Module connection string: HostName=" + EMULATOR.hub().hostName()
                    + ";DeviceId=jar-device;ModuleId=myFirstModule;SharedAccessKey="), run.toString());
            assertEquals("", run.err().toString(), "the SDK's log stays quiet");
        }
    }

    /**
     * README's launch command: the tool's classes come from the archive mvn package made, and without it, or
     * with one made for another jar (a stale archive), the tool runs the same and the JVM says nothing.
     */
    @Test
    void theLaunchCommandUsesTheArchiveAndRunsTheSameWithoutIt() throws Exception {
        String otherJarsArchive = "create-module/target/it-other-jar.jsa";
        try (JarRun dump = JarRun.command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:dump", "-XX:SharedArchiveFile=" + otherJarsArchive, "-cp",
                "create-module/target/original-create-module.jar"), Map.of())) {
            assertEquals(0, dump.exitCode(WAIT), dump.toString());
        }
        Map<String, String> environment = Map.of("IOTHUB_CONNECTION_STRING", EMULATOR.hub().serviceConnectionString());
        String[] args = {"--ca-cert", EMULATOR.hub().caCertificatePem().toString(), "--device-id", "launch-device"};
        Path classLoadLog = JarRun.repoRoot().resolve("create-module/target/it-class-load.log");
        List<List<String>> launches = List.of(
                concat(JarRun.launchOptions("create-module/target/create-module.jsa"), "-Xlog:class+load:file=" + classLoadLog),
                JarRun.launchOptions("create-module/target/no-such-archive.jsa"),
                JarRun.launchOptions(otherJarsArchive));
        String first = null;
        for (List<String> launch : launches) {
            try (JarRun run = JarRun.tool("create-module", launch, environment, args)) {
                assertEquals(0, run.exitCode(WAIT), launch + "\n" + run);
                assertEquals("", run.err().toString(), launch + ": nothing on stderr");
                String out = run.out().toString().replaceFirst("Device created", "Device exists")
                        .replaceFirst("Module created", "Module exists");
                assertTrue(out.startsWith("Device exists: launch-device"), launch + "\n" + run);
                if (first == null) {
                    first = out;
                }
                assertEquals(first, out, launch + ": the same output");
            }
        }
        assertTrue(Files.readString(classLoadLog).contains("dev.iothub.tools.createmodule.CreateModule source: shared objects file"),
                "the tool's classes come from its archive");
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }

    @Test
    void aWrongKeyExits1WithOneLineAndNeverShowsTheKey() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("IOTHUB_CONNECTION_STRING",
                "HostName=" + EMULATOR.hub().hostName() + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + BOGUS_KEY);
        for (String verbose : new String[] {"--device-id=quiet", "--verbose"}) {
            try (JarRun run = JarRun.tool("create-module", environment,
                    "--ca-cert", EMULATOR.hub().caCertificatePem().toString(), verbose)) {
                assertEquals(1, run.exitCode(WAIT), run.toString());
                assertTrue(run.err().toString().startsWith("create-module: the hub refused the request: unauthorized"), run.toString());
                assertFalse(run.toString().contains(BOGUS_KEY), run.toString());
                if (!verbose.equals("--verbose")) {
                    assertEquals(1, run.err().toString().strip().lines().count(), run.toString());
                }
            }
        }
    }
}
