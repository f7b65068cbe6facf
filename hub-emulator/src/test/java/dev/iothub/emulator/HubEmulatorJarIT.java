package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/** hub-emulator.jar as a user runs it. */
class HubEmulatorJarIT {
    private static final Path JAR = Path.of("target", "hub-emulator.jar");
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    @Test
    void servesTheSdkLogsEachRequestAndShutsDownCleanlyOnSigterm() throws Exception {
        Process emulator = new ProcessBuilder(JAVA, "-jar", JAR.toString(), "--address", "127.0.0.12", "--in-memory")
                .redirectErrorStream(true).start();
        SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8));
            List<String> banner = new ArrayList<>();
            for (String line = out.readLine(); line != null && !line.startsWith("hub-emulator ready"); line = out.readLine()) {
                banner.add(line);
            }
            String connectionString = valueAfter(banner, "Service connection string: ");
            Path ca = Path.of(valueAfter(banner, "CA certificate: "));
            assertTrue(banner.get(0).contains("listening on 127.0.0.12"), banner.get(0));
            HttpsURLConnection.setDefaultSSLSocketFactory(trusting(ca).getSocketFactory());

            new RegistryClient(connectionString).addDevice(new Device("from-the-jar", AuthenticationType.SAS));

            assertTrue(out.readLine().contains("PUT /devices/from-the-jar 200"), "one log line per request");
            emulator.destroy(); // SIGTERM
            assertTrue(emulator.waitFor(30, TimeUnit.SECONDS), "the emulator stops");
            assertEquals(143, emulator.exitValue());
            assertTrue(Files.notExists(ca), "an in-memory emulator leaves no CA behind");
        } finally {
            HttpsURLConnection.setDefaultSSLSocketFactory(previous);
            emulator.destroyForcibly();
        }
    }

    @Test
    void anUnprivilegedUserIsToldHowToBindTheHubsPorts() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to become another user");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        assumeTrue(Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).get(0).trim()) > 443,
                "this machine lets everybody bind 443");
        Process emulator = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                JAVA, "-jar", JAR.toAbsolutePath().toString(), "--address", "127.0.0.13", "--in-memory")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        String err = new String(emulator.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertTrue(emulator.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, emulator.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("Cannot listen on 127.0.0.13:443"), err);
        assertTrue(err.contains("setcap cap_net_bind_service") && err.contains("ip_unprivileged_port_start"), err);
    }

    private static String valueAfter(List<String> lines, String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no line starting with " + prefix + " in " + lines));
    }

    private static SSLContext trusting(Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("hub-emulator", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }
}
