package dev.iothub.tools.updatemoduletwin;

import static dev.iothub.tools.common.testing.Output.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iothub.tools.common.testing.JarRun;
import dev.iothub.tools.common.testing.ToolAssertions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --desired @-} as a person runs it at a terminal (script(1) gives the jar one): it says that it waits for
 * them and how to end, and standard input ended at once is said to be empty. Nothing is sent: the patch is refused.
 */
class StandardInputIT {
    private static final Path SCRIPT = Path.of("/usr/bin/script");

    @Test
    void atATerminalItSaysItReadsStandardInputAndHowToEndIt() throws Exception {
        assumeTrue(Files.isExecutable(SCRIPT), "needs script (util-linux) for a terminal");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = JarRun.repoRoot().resolve("update-module-twin").resolve("target").resolve("update-module-twin.jar");
        String command = String.join(" ", java, "-jar", jar.toString(), "-c",
                "'HostName=127.0.0.45;SharedAccessKeyName=iothubowner;SharedAccessKey=" + ToolAssertions.BOGUS_KEY + "'",
                "--desired", "@-");
        try (JarRun atTerminal = JarRun.command(List.of(SCRIPT.toString(), "-qec", command, "/dev/null"), Map.of())) {
            atTerminal.out().awaitContaining("reading the desired patch from standard input (end with Ctrl-D)", WAIT);
            atTerminal.type("\u0004"); // Ctrl-D at the start of a line: the terminal ends standard input
            assertEquals(2, atTerminal.exitCode(WAIT), atTerminal.toString());
            assertTrue(atTerminal.out().toString().contains("update-module-twin: Invalid value for option '--desired': "
                    + "standard input was empty"), atTerminal.toString());
        }
    }
}
