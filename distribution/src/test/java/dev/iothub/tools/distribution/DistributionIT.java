package dev.iothub.tools.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.testing.EmulatorProcess;
import dev.iothub.tools.common.testing.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive as a user takes it: unpacked with tar somewhere the build never was, its programs
 * run through symlinks from another directory, and as its README says; each tool makes its class-data-sharing
 * archive on its first run there, and again once the directory has moved.
 */
class DistributionIT {
    private static final Path ARCHIVE = Path.of(System.getProperty("distribution.archive"));
    private static final String VERSION = System.getProperty("project.version");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final List<String> TOOLS = List.of("create-module", "update-module-twin", "receive-twin-patch");
    /** README's address for the emulator, and this test's. */
    private static final String README_ADDRESS = "127.0.0.10";
    private static final String ADDRESS = "127.0.0.40";
    private static final Pattern SHELL_BLOCK = Pattern.compile("```sh\n(.*?)```", Pattern.DOTALL);

    @Test
    void runsAfterUnpackingAnywhereAndMakesItsArchivesThere(@TempDir Path somewhere, @TempDir Path elsewhere)
            throws Exception {
        Path home = unpack(somewhere);
        for (String tool : TOOLS) {
            Path link = Files.createSymbolicLink(elsewhere.resolve(tool), home.resolve("bin").resolve(tool));
            assertEquals(tool + " " + VERSION, Commands.succeed(elsewhere, link.toString(), "--version"));
            assertArchiveServes(home, tool);
            Path completion = home.resolve("completion").resolve(tool + "_completion");
            assertTrue(Files.readString(completion).contains("--ca-cert"), completion.toString());
        }
        Path emulator = Files.createSymbolicLink(elsewhere.resolve("hub-emulator"),
                home.resolve("bin").resolve("hub-emulator"));
        assertEquals("hub-emulator " + VERSION, Commands.succeed(elsewhere, emulator.toString(), "--version"));

        Path moved = Files.move(home, somewhere.resolve("moved"));
        String before = Files.readString(moved.resolve("lib").resolve("create-module.jsa.for"));
        Path launcher = moved.resolve("bin").resolve("create-module");
        assertEquals("create-module " + VERSION, Commands.succeed(elsewhere, launcher.toString(), "--version"));
        assertNotEquals(before, Files.readString(moved.resolve("lib").resolve("create-module.jsa.for")),
                "an archive made for the old place is made again");
        assertArchiveServes(moved, "create-module");
    }

    /**
     * The archive's README.md, run as it says on this test's address: its first shell block starts the emulator
     * (in one terminal), its second runs the tools against it (in another); then SIGTERM stops it, as Ctrl-C would.
     */
    @Test
    void itsReadmeRunsTheTutorialOnHubEmulator(@TempDir Path somewhere) throws Exception {
        Path home = unpack(somewhere);
        String readme = Files.readString(home.resolve("README.md"));
        List<String> blocks = SHELL_BLOCK.matcher(readme).results().map(block -> block.group(1)).toList();
        assertEquals(2, blocks.size(), readme);

        String start = "exec " + blocks.get(0).strip().replace(README_ADDRESS, ADDRESS);
        try (EmulatorProcess emulator = EmulatorProcess.start(
                new ProcessBuilder("bash", "-c", start).directory(home.toFile()))) {
            assertTrue(emulator.banner().get(0).contains("listening on " + ADDRESS), emulator.banner().toString());

            String tools = Commands.succeed(home, "bash", "-euc", blocks.get(1).replace(README_ADDRESS, ADDRESS));
            assertTrue(tools.contains("Module connection string: HostName=" + ADDRESS
                    + ";DeviceId=myFirstDevice;ModuleId=myFirstModule;SharedAccessKey="), tools);
            assertTrue(tools.contains("\"telemetryInterval\":122"), tools);

            assertEquals("hub-emulator stopped (data kept in " + home.resolve("hub-data") + ")", emulator.stop());
        }
        assertTrue(Commands.succeed(home, "bash", "-c", "source completion/create-module_completion && "
                + "complete -p create-module").contains("create-module"), "its completion line");
        for (String doc : List.of("docs/README.md", "docs/hub-emulator/README.md")) {
            assertTrue(readme.contains(doc) && Files.isRegularFile(home.resolve(doc)), doc);
        }
    }

    private static Path unpack(Path somewhere) throws Exception {
        Commands.succeed(somewhere, "tar", "xzf", ARCHIVE.toString());
        return somewhere.resolve("iothub-module-tools-" + VERSION);
    }

    /** With -Xshare:on the JVM refuses to start unless the archive serves this jar, where it now is. */
    private static void assertArchiveServes(Path home, String tool) throws Exception {
        Path lib = home.resolve("lib");
        assertEquals(tool + " " + VERSION, Commands.succeed(lib, JAVA, "-Xshare:on",
                "-XX:SharedArchiveFile=" + lib.resolve(tool + ".jsa"), "-jar", lib.resolve(tool + ".jar").toString(),
                "--version"));
    }
}
