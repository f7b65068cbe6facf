package dev.iothub.emulator.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.testing.EmulatorProcess;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.SuiteLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SDK suites of two official families, Java's ({@code dev.iothub.emulator.sdk}) and Node's
 * ({@code src/test/node}), against a hub they know only from their environment ({@link ExternalHub}): the one
 * {@code IOTHUB_CONNECTION_STRING} names, such as a real IoT Hub, or else an emulator this class starts as a
 * process of its own. This is the parity switch: what passes here against the emulator must pass against the
 * real hub, and README says how to run it so. The Node suite needs Node.js 20 or later with npm, which .ci/run
 * installs on a machine that lacks them; its packages are pinned by src/test/node/package-lock.json.
 */
class SdkSuitesIT {
    private static final String ADDRESS = "127.0.0.17";
    private static final Path JAR = Path.of("target", "hub-emulator.jar").toAbsolutePath();
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");
    private static final Path NODE_SOURCES = Path.of("src", "test", "node");
    private static final Path NODE_SUITE = Path.of("target", "node-sdk-tests");

    /** Null when the environment names the hub. */
    private static EmulatorProcess emulator;
    private static ExternalHub hub;

    @BeforeAll
    static void startTheHub() throws IOException {
        Optional<ExternalHub> given = ExternalHub.fromEnvironment(System.getenv());
        if (given.isPresent()) {
            hub = given.get();
            return;
        }
        // routed as the suites need a real hub to be (README, "Parity"): the hub's own events too
        emulator = EmulatorProcess.start(List.of(JAVA, "-jar", JAR.toString(), "--address", ADDRESS, "--in-memory",
                        "--route", "TwinChangeEvents", "--route", "DeviceLifecycleEvents",
                        "--route", "DeviceConnectionStateEvents"))
                .keepReading();
        hub = ExternalHub.of(emulator);
    }

    @AfterAll
    static void stopTheHub() {
        if (emulator != null) {
            emulator.close();
        }
    }

    @Test
    void theJavaSdkSuitesPass() throws Exception {
        String output = run(List.of(JAVA, "-cp", System.getProperty("java.class.path"), SuiteLauncher.class.getName(),
                "dev.iothub.emulator.sdk"), hub.environment(), Path.of("target"), "java-sdk-suites.log", 10);

        if (emulator != null) {
            assertTrue(output.contains("SKIPPED OtherSdkFamiliesWireTest.aMalformedRequestTargetIsA400(): "
                    + "Assumption failed: needs an emulator of its own"),
                    "what only an emulator of the suite's own can do is skipped, with the reason");
            assertTrue(emulator.log().stream().anyMatch(line -> line.contains("PUT /devices/twin-MODULE-AMQPS_WS-")),
                    "the suites used the hub in the environment, not emulators of their own");
        }
    }

    @Test
    void theNodeSdkSuitePasses() throws Exception {
        copyNodeSuite();
        run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), NODE_SUITE, "npm.log", 10);
        Map<String, String> environment = new HashMap<>(hub.environment());
        hub.caCertificatePem().ifPresent(ca -> environment.put("NODE_EXTRA_CA_CERTS", ca.toString()));
        if (emulator != null) { // against a hub of the user's, the emulator-only restart test skips, saying why
            environment.put("HUB_EMULATOR_JAR", JAR.toString());
            environment.put("JAVA_HOME", System.getProperty("java.home"));
        }
        run(List.of("node", "--test", "--test-reporter=spec"), environment, NODE_SUITE, "node.log", 5);
    }

    /** The Node suite's sources into target, where npm may write its node_modules. */
    private static void copyNodeSuite() throws IOException {
        Files.createDirectories(NODE_SUITE);
        try (Stream<Path> files = Files.walk(NODE_SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(file -> !NODE_SOURCES.relativize(file).startsWith("node_modules"))::iterator) {
                Path target = NODE_SUITE.resolve(NODE_SOURCES.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * Runs {@code command} in {@code directory} with {@code environment} added to this one's, its output in
     * {@code log} there, and answers that output; fails with it unless the command exits 0 in time.
     */
    private static String run(List<String> command, Map<String, String> environment, Path directory, String log,
            int minutes) throws Exception {
        Path logFile = directory.resolve(log);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(logFile.toFile());
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command.get(0) + ": the Node SDK suite needs Node.js 20 or "
                    + "later with npm, which .ci/run installs", e);
        }
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + minutes + " minutes:\n"
                    + Files.readString(logFile, StandardCharsets.UTF_8));
        }
        String output = Files.readString(logFile, StandardCharsets.UTF_8);
        System.out.println(output);
        assertEquals(0, process.exitValue(), () -> command.get(0) + " failed (its whole output is the test's log, "
                + "and in " + logFile + "); it ends:\n" + lastLines(output, 80));
        return output;
    }

    /** The end of a suite's output, where its runner sums up what failed: the rest is already in the test's log. */
    private static String lastLines(String output, int count) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
    }
}
