package dev.iothub.emulator.internal.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/** Reads and writes the CA's PEM files. Writes are atomic and synced, so a crash leaves no half-written file. */
final class CaFiles {
    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PRIVATE_KEY = "PRIVATE KEY";

    private CaFiles() {
    }

    static X509Certificate readCertificate(Path file) throws IOException {
        try {
            byte[] der = readPem(file, CERTIFICATE);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException e) {
            throw new IOException("not a valid certificate: " + e.getMessage(), e);
        }
    }

    static PrivateKey readPrivateKey(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(readPem(file, PRIVATE_KEY)));
        } catch (GeneralSecurityException e) {
            throw new IOException("not a valid EC private key: " + e.getMessage(), e);
        }
    }

    static void writeCertificate(Path file, X509Certificate certificate) throws IOException {
        try {
            writeAtomically(file, pem(new PemObject(CERTIFICATE, certificate.getEncoded())), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the certificate for " + file, e);
        }
    }

    /** PKCS#8, unencrypted: the same form {@code openssl genpkey} writes. */
    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        writeAtomically(file, pem(new PemObject(PRIVATE_KEY, key.getEncoded())), true);
    }

    static void writeAtomically(Path file, byte[] content, boolean ownerOnly) throws IOException {
        // Not named ca*, so a leftover from a crash is never mistaken for part of the CA.
        Path temp = Files.createTempFile(file.getParent(), ".tmp-", null);
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            if (posix != null) {
                posix.setPermissions(PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--"));
            }
            Files.write(temp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE); // a rename within one directory
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static byte[] readPem(Path file, String type) throws IOException {
        PemObject pem;
        // Latin-1 decodes any bytes, so garbage reaches the parser and is reported as not PEM.
        try (PEMParser parser = new PEMParser(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)))) {
            pem = parser.readPemObject();
        } catch (IllegalStateException e) { // BouncyCastle's DecoderException: bad base64 inside the block
            throw new IOException("not valid PEM: " + e.getMessage(), e);
        }
        if (pem == null || !pem.getType().equals(type)) {
            throw new IOException("no PEM \"" + type + "\" block");
        }
        return pem.getContent();
    }

    private static byte[] pem(PemObject object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
