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
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
     * update-module-twin's script completes "@" and a file name after --desired (az's --desired @file.json), directories
     * with their slash; the other options complete as picocli's script does (the test above).
     */
    @Test
    void completionCompletesFileNamesAfterAnAtForDesired(@TempDir Path elsewhere) throws Exception {
        Files.writeString(elsewhere.resolve("patch.json"), "");
        Files.createDirectory(elsewhere.resolve("twins"));
        String tool = "update-module-twin";
        Path script = BIN.resolveSibling(tool).resolve("target").resolve(tool + "_completion");
        assertEquals("@patch.json", complete(elsewhere, script, tool, "--desired", "@pat"));
        assertEquals(Set.of("@patch.json", "@twins/"),
                Set.of(complete(elsewhere, script, tool, "-d", "edge", "--desired", "@").split("\n")));
    }

    /**
     * What {@code script}'s completion function, the one it registers for {@code tool}, offers for {@code words} typed
     * after {@code tool}, one per line. It is called as bash calls it on Tab: COMP_WORDS split at an @ (one of bash's
     * COMP_WORDBREAKS), and the command, the last word as typed and the word before it (of COMP_WORDS) as arguments. Its
     * stderr and status are dropped, as bash drops them: outside a real Tab, bash's compopt fails, saying it is "not
     * currently executing completion function".
     */
    private static String complete(Path directory, Path script, String tool, String... words) throws Exception {
        List<String> compWords = Stream.concat(Stream.of(tool), Stream.of(words))
                .flatMap(word -> Stream.of(word.split("(?<=@)(?=.)|(?<=.)(?=@)"))).toList();
        int compCword = compWords.size() - 1;
        String call = String.join(" ", tool, words[words.length - 1], compWords.get(compCword - 1));
        return Commands.succeed(directory, "bash", "-c", "source '" + script + "' && COMP_WORDS=("
                + String.join(" ", compWords) + ") && COMP_CWORD=" + compCword + " && [[ $(complete -p " + tool
                + ") =~ -F\\ ([^ ]+) ]] && ${BASH_REMATCH[1]} " + call
                + " 2>/dev/null; printf '%s\\n' \"${COMPREPLY[@]}\"");
    }
}
