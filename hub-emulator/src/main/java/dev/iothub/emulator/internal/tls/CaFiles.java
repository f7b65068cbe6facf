package dev.iothub.emulator.internal.tls;

import dev.iothub.emulator.internal.files.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
            AtomicFiles.write(file, pem(new PemObject(CERTIFICATE, certificate.getEncoded())), false);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encode the certificate for " + file, e);
        }
    }

    /** PKCS#8, unencrypted: the same form {@code openssl genpkey} writes. */
    static void writePrivateKey(Path file, PrivateKey key) throws IOException {
        AtomicFiles.write(file, pem(new PemObject(PRIVATE_KEY, key.getEncoded())), true);
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
