package dev.iothub.emulator.junit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust of {@code HttpsURLConnection}'s default socket factory, which the service SDK uses and which is one
 * for the whole JVM: installed once, it trusts the CA of every emulator an extension has running, added and
 * removed as they start and stop, and whatever the JVM trusts by default. So test classes that run at the same
 * time, each with its emulator, never undo each other's trust.
 */
final class EmulatorTrust implements X509TrustManager {
    private static final EmulatorTrust INSTANCE = new EmulatorTrust();

    private final Set<X509Certificate> emulatorCas = ConcurrentHashMap.newKeySet();
    private final X509TrustManager jvmDefault;
    private SSLSocketFactory factory;

    private EmulatorTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            jvmDefault = (X509TrustManager) factory.getTrustManagers()[0];
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JVM has no default trust manager", e);
        }
    }

    /**
     * Trusts the CA in {@code caCertificatePem} until {@link #remove}, and makes sure the default factory is
     * this one: made once, it is put back if something else (a test of its own) replaced it since.
     */
    static X509Certificate add(Path caCertificatePem) throws IOException {
        X509Certificate ca = read(caCertificatePem);
        INSTANCE.emulatorCas.add(ca);
        INSTANCE.install();
        return ca;
    }

    static void remove(X509Certificate ca) {
        INSTANCE.emulatorCas.remove(ca);
    }

    private synchronized void install() {
        if (factory == null) {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {this}, null);
                factory = context.getSocketFactory();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot make an SSLContext", e);
            }
        }
        if (HttpsURLConnection.getDefaultSSLSocketFactory() != factory) {
            HttpsURLConnection.setDefaultSSLSocketFactory(factory);
        }
    }

    private static X509Certificate read(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (CertificateException e) {
            throw new IOException(pem + " is not a certificate: " + e.getMessage(), e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        for (X509Certificate certificate : chain) {
            for (X509Certificate ca : emulatorCas) {
                if (signedBy(certificate, ca)) {
                    return;
                }
            }
        }
        jvmDefault.checkServerTrusted(chain, authType);
    }

    private static boolean signedBy(X509Certificate certificate, X509Certificate ca) {
        if (!certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(ca.getPublicKey());
            certificate.checkValidity();
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        jvmDefault.checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jvmDefault.getAcceptedIssuers();
    }
}
