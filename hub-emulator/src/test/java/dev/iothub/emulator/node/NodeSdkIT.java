package dev.iothub.emulator.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A second official SDK family against the emulator: the Node SDKs (azure-iothub, azure-iot-device and its MQTT
 * and AMQP transports, from npm, pinned by src/test/node/package-lock.json) run their suite, src/test/node, with
 * Node's own test runner. It needs Node.js and npm, which .ci/run installs on a machine that lacks them.
 */
class NodeSdkIT {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.17");

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path SUITE = Path.of("target", "node-sdk-tests");

    @Test
    void theNodeSdkSuitePasses() throws Exception {
        copySuite();
        run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), Map.of(), 10);
        Map<String, String> environment = Map.of(
                "IOTHUB_CONNECTION_STRING", emulator.hub().serviceConnectionString(),
                "IOTHUB_REGISTRY_READ_CONNECTION_STRING", emulator.hub().connectionString("registryRead"),
                "IOTHUB_CA_CERT", emulator.hub().caCertificatePem().toString(),
                "NODE_EXTRA_CA_CERTS", emulator.hub().caCertificatePem().toString(),
                "HUB_EMULATOR_JAR", Path.of("target", "hub-emulator.jar").toAbsolutePath().toString(),
                "JAVA_HOME", System.getProperty("java.home"));
        run(List.of("node", "--test", "--test-reporter=spec"), environment, 5);
    }

    /** The suite's sources into target, where npm may write its node_modules. */
    private static void copySuite() throws IOException {
        Files.createDirectories(SUITE);
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)
                    .filter(file -> !SOURCES.relativize(file).startsWith("node_modules"))::iterator) {
                Path target = SUITE.resolve(SOURCES.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Runs {@code command} in the suite's folder and fails with its output unless it exits 0 in time. */
    private static void run(List<String> command, Map<String, String> environment, int minutes) throws Exception {
        Path log = SUITE.resolve(command.get(0) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(SUITE.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new AssertionError(command.get(0) + " is not installed: the Node SDK suite needs Node.js 20 or "
                    + "later with npm (.ci/run installs them)", e);
        }
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + minutes + " minutes:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println(output);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
    }
}
