package dev.iothub.tools.common;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.HubEmulator;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --ca-cert adds a CA: the JVM's default roots (the real hub's) stay trusted. */
class CaCertificateTest {
    @Test
    void trustsTheGivenCaAndStillTheDefaultRoots(@TempDir Path data, @TempDir Path other) throws Exception {
        Path emulatorCa;
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.30").dataDirectory(data).start()) {
            emulatorCa = hub.caCertificatePem();
        }
        Path unrelatedCa;
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.30").dataDirectory(other).start()) {
            unrelatedCa = hub.caCertificatePem();
        }
        X509TrustManager trust = CaCertificate.load(emulatorCa).trustManager();

        X509Certificate[] emulatorChain = {CaCertificate.load(emulatorCa).certificates().get(0)};
        assertDoesNotThrow(() -> trust.checkServerTrusted(emulatorChain, "ECDHE_RSA"));

        X509Certificate defaultRoot = Arrays.stream(defaultTrust().getAcceptedIssuers()).findFirst().orElseThrow();
        assertDoesNotThrow(() -> trust.checkServerTrusted(new X509Certificate[] {defaultRoot}, "ECDHE_RSA"));
        assertTrue(Arrays.asList(trust.getAcceptedIssuers()).contains(defaultRoot));

        X509Certificate[] unrelated = {CaCertificate.load(unrelatedCa).certificates().get(0)};
        assertThrows(CertificateException.class, () -> trust.checkServerTrusted(unrelated, "ECDHE_RSA"));
    }

    private static X509TrustManager defaultTrust() throws Exception {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        return (X509TrustManager) factory.getTrustManagers()[0];
    }
}
