package dev.iothub.tools.common;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The PEM CA given with {@code --ca-cert}: trusted in addition to the JVM's default roots, so a
 * real hub keeps working while hub-emulator, an IoT Edge gateway or a TLS-inspecting proxy is trusted too.
 */
public final class CaCertificate {
    private final Path file;
    private final List<X509Certificate> certificates;

    private CaCertificate(Path file, List<X509Certificate> certificates) {
        this.file = file;
        this.certificates = certificates;
    }

    public static CaCertificate load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> certificates = new ArrayList<>();
            for (Certificate certificate : read) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file + " (expected a PEM file with -----BEGIN CERTIFICATE-----)");
            }
            return new CaCertificate(file, List.copyOf(certificates));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no such file: " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not a PEM certificate: " + e.getMessage());
        }
    }

    public Path file() {
        return file;
    }

    List<X509Certificate> certificates() {
        return certificates;
    }

    /** A TLS context that trusts the JVM's default roots and this CA. */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS trust for " + file, e);
        }
    }

    /** Trusts what the JVM's default roots trust, and what this CA signed. */
    X509ExtendedTrustManager trustManager() {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-cert-" + i, certificates.get(i));
            }
            return new EitherTrustManager(() -> trustManager(null), trustManager(store));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trust for " + file, e);
        }
    }

    /**
     * Makes the service SDK, which uses {@link HttpsURLConnection} without a socket factory of its own,
     * trust {@code ca} in addition to the default roots; with {@code null}, only the default roots.
     */
    public static void useForHttps(CaCertificate ca) {
        HttpsURLConnection.setDefaultSSLSocketFactory(ca == null
                ? (SSLSocketFactory) SSLSocketFactory.getDefault()
                : ca.sslContext().getSocketFactory());
    }

    @Override
    public String toString() {
        return file.toString();
    }

    private static X509ExtendedTrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /**
     * picocli converter for {@code --ca-cert FILE}: an unreadable or non-PEM file is a usage error (exit 2). It
     * answers the file, not the certificate, as the option's type is what the completion script completes file
     * names for.
     */
    public static final class FileConverter extends CheckingConverter<Path> {
        @Override
        protected Path parse(String value) {
            return load(Path.of(value)).file();
        }
    }
}
