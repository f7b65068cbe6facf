package dev.iothub.tools.receivetwinpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.tools.common.testing.Commands;
import dev.iothub.tools.common.testing.JarRun;
import dev.iothub.tools.common.testing.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            String version = Commands.succeed(elsewhere, BIN.resolve(tool).toString(), "--version");
            assertEquals(tool + " 0.1.0-SNAPSHOT", version);

            Path link = Files.createSymbolicLink(elsewhere.resolve("my-" + tool), BIN.resolve(tool));
            assertTrue(Commands.succeed(elsewhere, link.toString(), "--help").contains("Usage: " + tool), tool);
        }
    }

    /** README's command that puts a launcher on the PATH works for an account that has no ~/.local/bin yet. */
    @Test
    void readmesSymlinkCommandWorksInAFreshHome(@TempDir Path home) throws Exception {
        Matcher command = Pattern.compile("`([^`]*ln -s \"\\$PWD/bin/create-module\"[^`]*)`")
                .matcher(Files.readString(BIN.resolveSibling("README.md")));
        assertTrue(command.find(), "README shows how to link a launcher");
        try (JarRun link = JarRun.command(List.of("bash", "-c", command.group(1).replace('\n', ' ')),
                Map.of("HOME", home.toString()))) {
            assertEquals(0, link.exitCode(Output.WAIT), command.group(1) + "\n" + link);
        }
        assertEquals("create-module 0.1.0-SNAPSHOT",
                Commands.succeed(home, home.resolve(".local/bin/create-module").toString(), "--version"));
    }

    /** The build makes each tool's completion script, which bash takes, and which completes the tool's options. */
    @Test
    void eachToolHasACompletionScript(@TempDir Path elsewhere) throws Exception {
        for (String tool : List.of("create-module", "update-module-twin", "receive-twin-patch")) {
            Path script = BIN.resolveSibling(tool).resolve("target").resolve(tool + "_completion");
            assertTrue(Files.readString(script).contains("--ca-cert"), script + " completes the options");
            String completion = Commands.succeed(elsewhere, "bash", "-c",
                    "source '" + script + "' && complete -p " + tool);
            assertTrue(completion.contains(tool), tool);
        }
    }

    /**
     * The completion scripts complete file names after --ca-cert, and az's -d and -m among the options. Each is sourced
     * in bash and its completion function called as bash calls it on Tab.
     */
    @Test
    void completionCompletesFileNamesForCaCert(@TempDir Path elsewhere) throws Exception {
        Files.writeString(elsewhere.resolve("hub-ca.pem"), "");
        for (String tool : List.of("create-module", "update-module-twin", "receive-twin-patch")) {
            Path script = BIN.resolveSibling(tool).resolve("target").resolve(tool + "_completion");
            assertEquals("hub-ca.pem", complete(elsewhere, script, tool, "--ca-cert", "hub-c"), tool);
        }
        for (String tool : List.of("create-module", "update-module-twin")) {
            Path script = BIN.resolveSibling(tool).resolve("target").resolve(tool + "_completion");
            assertTrue(List.of(complete(elsewhere, script, tool, "-").split("\n")).containsAll(List.of("-d", "-m", "-l", "--login")),
                    tool);
        }
    }

    /**
     * What {@code script}'s completion function offers for {@code words} typed after {@code tool}, one per line. Its
     * stderr is dropped: outside a real Tab, bash's compopt says it is "not currently executing completion function".
     */
    private static String complete(Path directory, Path script, String tool, String... words) throws Exception {
        return Commands.succeed(directory, "bash", "-c", "source '" + script + "' && COMP_WORDS=(" + tool + " "
                + String.join(" ", words) + ") && COMP_CWORD=" + words.length + " && _complete_" + tool
                + " 2>/dev/null && printf '%s\\n' \"${COMPREPLY[@]}\"");
    }
}
