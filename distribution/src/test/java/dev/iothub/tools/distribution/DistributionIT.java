package dev.iothub.tools.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as a user takes it: unpacked with tar somewhere the build never was, its tools
 * run through symlinks from another directory, against a hub; each makes its class-data-sharing archive on
 * its first run there, and again once the directory has moved.
 */
class DistributionIT {
    private static final Path ARCHIVE = Path.of(System.getProperty("distribution.archive"));
    private static final String VERSION = System.getProperty("project.version");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final List<String> TOOLS = List.of("create-module", "update-module-twin", "receive-twin-patch");

    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.32");

    @Test
    void runsAfterUnpackingAnywhereAndMakesItsArchivesThere(@TempDir Path somewhere, @TempDir Path elsewhere)
            throws Exception {
        Commands.succeed(somewhere, "tar", "xzf", ARCHIVE.toString());
        Path home = somewhere.resolve("iothub-module-tools-" + VERSION);
        for (String tool : TOOLS) {
            Path link = Files.createSymbolicLink(elsewhere.resolve(tool), home.resolve("bin").resolve(tool));
            assertEquals(tool + " " + VERSION, Commands.succeed(elsewhere, link.toString(), "--version"));
            assertArchiveServes(home, tool);
            Path completion = home.resolve("completion").resolve(tool + "_completion");
            assertTrue(Files.readString(completion).contains("--ca-cert"), completion.toString());
        }

        String created = Commands.succeed(elsewhere, "./create-module", "-c", emulator.hub().serviceConnectionString(),
                "--ca-cert", emulator.hub().caCertificatePem().toString(),
                "--device-id", "unpacked", "--module-id", "m");
        assertTrue(created.contains("HostName=127.0.0.32;DeviceId=unpacked;ModuleId=m;SharedAccessKey="), created);

        Path moved = Files.move(home, somewhere.resolve("moved"));
        String before = Files.readString(moved.resolve("lib").resolve("create-module.jsa.for"));
        Path launcher = moved.resolve("bin").resolve("create-module");
        assertEquals("create-module " + VERSION, Commands.succeed(elsewhere, launcher.toString(), "--version"));
        assertNotEquals(before, Files.readString(moved.resolve("lib").resolve("create-module.jsa.for")),
                "an archive made for the old place is made again");
        assertArchiveServes(moved, "create-module");
    }

    /** With -Xshare:on the JVM refuses to start unless the archive serves this jar, where it now is. */
    private static void assertArchiveServes(Path home, String tool) throws Exception {
        Path lib = home.resolve("lib");
        assertEquals(tool + " " + VERSION, Commands.succeed(lib, JAVA, "-Xshare:on",
                "-XX:SharedArchiveFile=" + lib.resolve(tool + ".jsa"), "-jar", lib.resolve(tool + ".jar").toString(),
                "--version"));
    }
}
