package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.EmulatorProcess;
import dev.iothub.emulator.testing.NetworkNamespace;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hub-emulator.jar as a user runs it. */
class HubEmulatorJarIT {
    private static final Path JAR = Path.of("target", "hub-emulator.jar");
    private static final Path LAUNCHER = Path.of("..", "bin", "hub-emulator").toAbsolutePath().normalize();
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void servesTheSdkLogsEachRequestAndShutsDownCleanlyOnSigterm() throws Exception {
        SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
        try (EmulatorProcess emulator = EmulatorProcess.start(
                List.of(JAVA, "-jar", JAR.toString(), "--address", "127.0.0.12", "--in-memory"))) {
            assertTrue(emulator.banner().get(0).contains("listening on 127.0.0.12"), emulator.banner().get(0));
            HttpsURLConnection.setDefaultSSLSocketFactory(emulator.clientSslContext().getSocketFactory());

            assertEquals(emulator.serviceConnectionString(), emulator.connectionString("iothubowner"));
            new RegistryClient(emulator.connectionString("registryReadWrite"))
                    .addDevice(new Device("from-the-jar", AuthenticationType.SAS));

            assertTrue(emulator.nextLine().contains("PUT /devices/from-the-jar 200"), "one log line per request");
            emulator.process().destroy(); // SIGTERM
            assertTrue(emulator.process().waitFor(30, TimeUnit.SECONDS), "the emulator stops");
            assertEquals(143, emulator.process().exitValue());
            assertTrue(Files.notExists(emulator.caCertificatePem()), "an in-memory emulator leaves no CA behind");
            assertThrows(NoSuchFileException.class, () -> emulator.connectionString("service"), "nor its keys");
        } finally {
            HttpsURLConnection.setDefaultSSLSocketFactory(previous);
        }
    }

    /**
     * bin/hub-emulator, as README runs it: through a symlink, from another directory (where a relative --data-dir
     * still means), with the JVM's defaults for a server rather than the tools' quick start; when it stops, its
     * last line says what it kept.
     */
    @Test
    void theLauncherRunsItFromAnyDirectoryThroughASymlinkAndItsLastLineSaysWhatItKept(@TempDir Path elsewhere)
            throws Exception {
        Path link = Files.createSymbolicLink(elsewhere.resolve("hub-emulator"), LAUNCHER);
        Map<List<String>, String> keeps = Map.of(
                List.of("--data-dir", "data"), "hub-emulator stopped (data kept in " + elsewhere.resolve("data") + ")",
                List.of("--in-memory"), "hub-emulator stopped (in memory: nothing kept)");
        for (Map.Entry<List<String>, String> run : keeps.entrySet()) {
            List<String> command = new ArrayList<>(List.of(link.toString(), "--address", "127.0.0.39"));
            command.addAll(run.getKey());
            EmulatorProcess emulator = EmulatorProcess.start(new ProcessBuilder(command).directory(elsewhere.toFile()));
            try (emulator) {
                assertTrue(emulator.banner().get(0).contains("listening on 127.0.0.39"), emulator.banner().toString());
                List<String> jvm = ProcessHandle.of(emulator.process().pid()).orElseThrow().info().arguments()
                        .map(List::of).orElse(List.of());
                assertTrue(jvm.contains("-jar") && !jvm.contains("-XX:TieredStopAtLevel=1"), jvm.toString());

                assertEquals(run.getValue(), emulator.stop());
                assertEquals(143, emulator.process().exitValue());
            }
        }
    }

    /** Scripts read a policy's connection string from its file; only the emulator's user may read it. */
    @Test
    void writesEveryPolicysConnectionStringToAFileOnlyItsOwnerReads(@TempDir Path data) throws Exception {
        try (EmulatorProcess emulator = EmulatorProcess.start(
                List.of(JAVA, "-jar", JAR.toString(), "--address", "127.0.0.12", "--data-dir", data.toString()))) {
            Path directory = data.resolve("connection-strings");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
            for (String policy : List.of("iothubowner", "service", "device", "registryRead", "registryReadWrite")) {
                Path file = directory.resolve(policy);
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)), policy);
                assertTrue(Files.readString(file).matches("HostName=127\\.0\\.0\\.12;SharedAccessKeyName=" + policy
                        + ";SharedAccessKey=[A-Za-z0-9+/]{43}=\n"), policy);
            }
            assertEquals(emulator.serviceConnectionString(), emulator.connectionString("iothubowner"));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                    data.resolve("hub.mv.db"))), "the store holds every key");
        }
    }

    /**
     * Run by root in memory, the emulator's CA is still readable by any user, whose tools must trust it; the
     * connection strings and the CA's key are not.
     */
    @Test
    void anyUserReadsTheCaButNotTheKeys() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to become another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        try (EmulatorProcess emulator = EmulatorProcess.start(
                List.of(JAVA, "-jar", JAR.toString(), "--address", "127.0.0.12", "--in-memory"))) {
            Path ca = emulator.caCertificatePem();
            assertEquals(0, asNobody("cat", ca.toString()), "another user reads " + ca);
            assertTrue(asNobody("cat", ca.resolveSibling("ca-key.pem").toString()) != 0, "nor the CA's key");
            assertTrue(asNobody("cat", ca.getParent().resolveSibling("connection-strings").resolve("service").toString()) != 0,
                    "nor a connection string");
        }
    }

    /** As user nobody, a data directory it cannot create or write in is one line that says so, not a path alone. */
    @Test
    void aDataDirectoryThisUserCannotUseIsOneTrueLine(@TempDir Path rootOwned) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to become another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Files.setPosixFilePermissions(rootOwned, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> expected = Map.of(
                "/nonexistent/x", "hub-emulator: Cannot create the data directory /nonexistent/x: this user may not "
                        + "create /nonexistent. Choose another data directory",
                rootOwned.toString(), "hub-emulator: Cannot use the data directory " + rootOwned
                        + ": this user may not write in it. Choose another data directory");
        for (Map.Entry<String, String> dataDir : expected.entrySet()) {
            Process emulator = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    JAVA, "-jar", JAR.toAbsolutePath().toString(), "--address", "127.0.0.13", "--data-dir", dataDir.getKey())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(emulator.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

            assertTrue(emulator.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, emulator.exitValue(), err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.startsWith(dataDir.getValue()), err);
        }
    }

    private static int asNobody(String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        return process.exitValue();
    }

    /**
     * Under a low {@code ulimit -n}, the connection limit stays below the descriptors left: connections beyond it
     * are closed at once with one log line per 10 s, not a stack trace per failed accept, and once they go, new
     * clients are served again.
     */
    @Test
    void connectionsBeyondTheLimitAreClosedAtOnceWithOneLogLine() throws Exception {
        SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
        String java = String.join(" ", JAVA, "-jar", JAR.toAbsolutePath().toString(), "--address", "127.0.0.19", "--in-memory");
        List<Socket> sockets = new ArrayList<>();
        try (EmulatorProcess emulator = EmulatorProcess.start(List.of("bash", "-c", "ulimit -n 400 && exec " + java))
                .keepReading()) {
            for (int i = 0; i < 300; i++) {
                sockets.add(new Socket("127.0.0.19", 8883));
            }
            int closedAtOnce = 0;
            for (Socket socket : sockets) {
                socket.setSoTimeout(200);
                try {
                    closedAtOnce += socket.getInputStream().read() == -1 ? 1 : 0;
                } catch (SocketTimeoutException e) {
                    // held open: within the limit
                }
            }
            assertEquals(300 - (400 - 256), closedAtOnce, "the limit is the descriptors less 256 kept for the rest");
            List<String> refusals = emulator.log().stream().filter(line -> line.contains("Refusing connections")).toList();
            assertEquals(1, refusals.size(), emulator.log().toString());
            assertTrue(refusals.get(0).contains("144 are open, the most allowed (--max-connections)"), refusals.get(0));
            assertTrue(emulator.log().size() < 5, "no flood: " + emulator.log());

            for (Socket socket : sockets) {
                socket.close();
            }
            HttpsURLConnection.setDefaultSSLSocketFactory(emulator.clientSslContext().getSocketFactory());
            RegistryClient registry = new RegistryClient(emulator.serviceConnectionString());
            Conditions.await("a new client is served once the others are gone", () -> {
                try {
                    registry.getDevice("nobody");
                    return true;
                } catch (IotHubNotFoundException e) {
                    return true; // served
                } catch (IOException e) {
                    return false;
                }
            });
        } finally {
            HttpsURLConnection.setDefaultSSLSocketFactory(previous);
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * As user nobody: refused with one line of advice, then started once the advice is followed. The setting
     * belongs to the network namespace, so the test makes its change in one of its own, where the machine's value,
     * and the tests running beside it, cannot see it (and where no other test's address is).
     */
    @Test
    void anUnprivilegedUserIsToldHowToBindTheHubsPortsAndTheAdviceWorks() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to become another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        String portStart = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
        try (NetworkNamespace namespace = NetworkNamespace.create()) {
            namespace.set(portStart, "1024"); // the kernel's default: privileged below 1024
            List<String> asNobody = namespace.command(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                    "--clear-groups", JAVA, "-jar", JAR.toAbsolutePath().toString(), "--address", "127.0.0.13",
                    "--in-memory"));
            Process emulator = new ProcessBuilder(asNobody).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(emulator.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

            assertTrue(emulator.waitFor(30, TimeUnit.SECONDS));
            assertEquals(1, emulator.exitValue(), err);
            assertEquals(1, err.lines().count(), err);
            assertTrue(err.contains("Cannot listen on 127.0.0.13:443"), err);
            assertTrue(err.contains(
                    "by running as root (for example with sudo): sysctl net.ipv4.ip_unprivileged_port_start=443"), err);
            assertFalse(err.contains("setcap"), "setcap on java breaks java: " + err);

            namespace.set(portStart, "443"); // what the advice's sysctl does
            try (EmulatorProcess followed = EmulatorProcess.start(asNobody)) {
                // (Netty warns first that this namespace has no hardware address to make channel ids of)
                assertTrue(followed.banner().stream().anyMatch(line -> line.contains("listening on 127.0.0.13")),
                        followed.banner().toString());
            }
        }
    }
}
