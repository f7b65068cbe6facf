package dev.iothub.tools.receivetwinpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/create-module, bin/update-module-twin and bin/receive-twin-patch as a user runs them: from another
 * directory, and through a symlink on their PATH. (This module is the reactor's last tool, so all three jars
 * are packaged by now.)
 */
class LaunchersIT {
    private static final Path BIN = Path.of("..", "bin").toAbsolutePath().normalize();

    @Test
    void eachLauncherRunsItsToolFromAnyDirectoryAndThroughASymlink(@TempDir Path elsewhere) throws Exception {
        for (String tool : List.of("create-module", "update-module-twin", "receive-twin-patch")) {
            assertEquals(tool + " 0.1.0-SNAPSHOT", run(elsewhere, BIN.resolve(tool).toString(), "--version"));

            Path link = Files.createSymbolicLink(elsewhere.resolve("my-" + tool), BIN.resolve(tool));
            assertTrue(run(elsewhere, link.toString(), "--help").contains("Usage: " + tool), tool);
        }
    }

    /** The build makes each tool's completion script, which bash takes, and which completes the tool's options. */
    @Test
    void eachToolHasACompletionScript(@TempDir Path elsewhere) throws Exception {
        for (String tool : List.of("create-module", "update-module-twin", "receive-twin-patch")) {
            Path script = BIN.resolveSibling(tool).resolve("target").resolve(tool + "_completion");
            assertTrue(Files.readString(script).contains("--ca-cert"), script + " completes the options");
            assertTrue(run(elsewhere, "bash", "-c", "source '" + script + "' && complete -p " + tool).contains(tool),
                    tool);
        }
    }

    /** Runs {@code command} in {@code directory}, and answers its output once it exited 0. */
    private static String run(Path directory, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
        return output;
    }
}
