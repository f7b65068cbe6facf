package dev.iothub.emulator.internal.tls;

import dev.iothub.emulator.internal.files.AtomicFiles;
import dev.iothub.emulator.internal.files.Directories;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The emulator's own certificate authority, kept in a directory so that clients told to trust it once
 * keep trusting it across restarts. It signs a fresh server certificate for whatever names the emulator
 * listens on. A damaged directory is an error, never a reason to make a new CA behind the clients' backs.
 */
public final class CertificateAuthority {
    private static final String CERTIFICATE_FILE = "ca.pem";
    private static final String KEY_FILE = "ca-key.pem";
    private static final String TRUST_STORE_FILE = "ca.p12";
    private static final String LOCK_FILE = "ca.lock";
    private static final char[] TRUST_STORE_PASSWORD = "changeit".toCharArray();
    private static final String ALIAS = "hub-emulator-ca";

    private final Path directory;
    private final X509Certificate certificate;
    private final PrivateKey key;

    private CertificateAuthority(Path directory, X509Certificate certificate, PrivateKey key) {
        this.directory = directory;
        this.certificate = certificate;
        this.key = key;
    }

    /**
     * Loads the CA kept in {@code directory} (files ca.pem, ca-key.pem, ca.p12), or creates it there on first
     * use. Creates the directory if missing.
     */
    public static CertificateAuthority loadOrCreate(Path directory) throws IOException {
        Directories.create(directory, Directories.PUBLIC); // the CA is public; its key file is the owner's alone
        // Two emulators starting on one empty directory must not each write half of a CA: the file lock
        // serialises processes, the monitor serialises threads (a JVM may not hold one file lock twice).
        synchronized (CertificateAuthority.class) {
            try (FileChannel lock = FileChannel.open(directory.resolve(LOCK_FILE),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                lock.lock(); // released when the channel closes
                boolean empty = List.of(CERTIFICATE_FILE, KEY_FILE, TRUST_STORE_FILE).stream()
                        .noneMatch(name -> Files.exists(directory.resolve(name)));
                return empty ? create(directory) : load(directory);
            }
        }
    }

    private static CertificateAuthority create(Path directory) throws IOException {
        try {
            KeyPair keys = Certificates.newKeyPair();
            CertificateAuthority ca = new CertificateAuthority(
                    directory, Certificates.authority(keys, Instant.now()), keys.getPrivate());
            // The key first: if we die before ca.pem exists, loading reports it rather than guessing.
            CaFiles.writePrivateKey(directory.resolve(KEY_FILE), ca.key);
            CaFiles.writeCertificate(directory.resolve(CERTIFICATE_FILE), ca.certificate);
            ca.writeTrustStore();
            return ca;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make a CA in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static CertificateAuthority load(Path directory) throws IOException {
        Path certificateFile = directory.resolve(CERTIFICATE_FILE);
        Path keyFile = directory.resolve(KEY_FILE);
        X509Certificate certificate = read(certificateFile, CaFiles::readCertificate);
        PrivateKey key = read(keyFile, CaFiles::readPrivateKey);
        if (!isKeyOf(key, certificate)) {
            throw damaged(keyFile, "is not the private key of " + CERTIFICATE_FILE, null);
        }
        CertificateAuthority ca = new CertificateAuthority(directory, certificate, key);
        if (Files.exists(ca.trustStore())) {
            ca.checkTrustStore();
        } else {
            ca.writeTrustStore(); // it only repeats ca.pem, so it can be made again
        }
        return ca;
    }

    private interface FileReader<T> {
        T read(Path file) throws IOException;
    }

    private static <T> T read(Path file, FileReader<T> reader) throws IOException {
        try {
            return reader.read(file);
        } catch (NoSuchFileException e) {
            throw damaged(file, "is missing", e);
        } catch (IOException e) {
            throw damaged(file, "is unreadable or damaged (" + e.getMessage() + ")", e);
        }
    }

    private static IOException damaged(Path file, String problem, Exception cause) {
        return new IOException(file + " " + problem + ": delete the ca* files in " + file.getParent()
                + " to make a new CA (clients must then trust the new one)", cause);
    }

    private static boolean isKeyOf(PrivateKey key, X509Certificate certificate) {
        try {
            byte[] probe = "hub-emulator".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("SHA256withECDSA");
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private void writeTrustStore() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            trustStoreOf(certificate).store(bytes, TRUST_STORE_PASSWORD);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make " + trustStore() + ": " + e.getMessage(), e);
        }
        AtomicFiles.write(trustStore(), bytes.toByteArray(), false);
    }

    private void checkTrustStore() throws IOException {
        try (InputStream in = Files.newInputStream(trustStore())) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, TRUST_STORE_PASSWORD);
            if (Collections.list(store.aliases()).size() == 1 && store.containsAlias(ALIAS)
                    && certificate.equals(store.getCertificate(ALIAS))) {
                return;
            }
        } catch (IOException | GeneralSecurityException e) {
            // reported below, with the remedy
        }
        throw new IOException(trustStore() + " is not a PKCS12 trust store (password changeit) holding only "
                + certificatePem() + ": delete it and it will be made again from " + CERTIFICATE_FILE);
    }

    private static KeyStore trustStoreOf(X509Certificate certificate) throws GeneralSecurityException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(ALIAS, certificate);
            return store;
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot make an empty PKCS12 store", e);
        }
    }

    /**
     * A Netty server SslContext (TLS 1.2 and 1.3, JDK provider) with a fresh server certificate signed by
     * this CA, whose SANs are every IP address and DNS name given. It sends that certificate alone: like the
     * hub's servers, it leaves the root out of the chain, since a client must already trust it.
     */
    public SslContext serverContext(List<String> ipAddresses, List<String> dnsNames) {
        try {
            KeyPair keys = Certificates.newKeyPair();
            X509Certificate server = Certificates.server(
                    keys.getPublic(), certificate, key, ipAddresses, dnsNames, Instant.now());
            return SslContextBuilder.forServer(keys.getPrivate(), server)
                    .sslProvider(SslProvider.JDK)
                    .protocols("TLSv1.3", "TLSv1.2")
                    .build();
        } catch (GeneralSecurityException | SSLException e) {
            throw new IllegalStateException("cannot make a server certificate signed by " + this, e);
        }
    }

    /** The CA certificate as a PEM file, for clients ({@code --ca-cert FILE}, curl --cacert, openssl). */
    public Path certificatePem() {
        return directory.resolve(CERTIFICATE_FILE);
    }

    /** A PKCS12 trust store holding only the CA certificate (password "changeit"), for javax.net.ssl.trustStore. */
    public Path trustStore() {
        return directory.resolve(TRUST_STORE_FILE);
    }

    /** A client SSLContext ("TLS") that trusts this CA (and only it). */
    public SSLContext clientContext() {
        return clientContextTrusting(certificate);
    }

    /**
     * A client SSLContext ("TLS") that trusts only the CA in {@code caCertificatePem}: the {@code ca.pem} a
     * running emulator printed, for clients in another process.
     */
    public static SSLContext clientContextTrusting(Path caCertificatePem) throws IOException {
        return clientContextTrusting(CaFiles.readCertificate(caCertificatePem));
    }

    private static SSLContext clientContextTrusting(X509Certificate certificate) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStoreOf(certificate));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a client SSLContext trusting "
                    + certificate.getSubjectX500Principal().getName(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate.getSubjectX500Principal().getName() + " in " + directory + "]";
    }
}
