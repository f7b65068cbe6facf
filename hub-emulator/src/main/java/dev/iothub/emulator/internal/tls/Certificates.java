package dev.iothub.emulator.internal.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the CA and server certificates. BouncyCastle only builds and encodes them; keys and signatures
 * come from the JDK's own providers, because the shaded jar strips BC's signature and so BC cannot be a
 * JCE provider.
 */
final class Certificates {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SIGNATURE = "SHA256withECDSA";
    // Back-dated a day so that clocks a little behind ours still accept a certificate made just now.
    private static final Duration BACKDATE = Duration.ofDays(1);

    private Certificates() {
    }

    static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    /** A self-signed CA with a random id in its name, so users can tell one emulator's CA from another's. */
    static X509Certificate authority(KeyPair keys, Instant now) throws GeneralSecurityException {
        X500Name name = commonName("hub-emulator CA " + HexFormat.of().formatHex(randomBytes(4)));
        Instant notAfter = now.atOffset(ZoneOffset.UTC).plusYears(10).toInstant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                name, serial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter), name, keys.getPublic());
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            utils.createSubjectKeyIdentifier(keys.getPublic()));
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot encode the CA's extensions", e);
        }
        return sign(builder, keys.getPrivate());
    }

    /**
     * A server certificate for the given names, valid for a year but never past the CA. Its common name is
     * the first DNS name (or IP address if none); clients check only the SANs.
     */
    static X509Certificate server(PublicKey serverKey, X509Certificate ca, PrivateKey caKey,
            List<String> ipAddresses, List<String> dnsNames, Instant now) throws GeneralSecurityException {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one IP address or DNS name");
        }
        String subject = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
        Instant yearOn = now.atOffset(ZoneOffset.UTC).plusYears(1).toInstant();
        Instant notAfter = yearOn.isBefore(ca.getNotAfter().toInstant()) ? yearOn : ca.getNotAfter().toInstant();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, serial(),
                Date.from(now.minus(BACKDATE)), Date.from(notAfter), commonName(subject), serverKey);
        try {
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(serverKey))
                    // Strict verifiers (OpenSSL's X509_STRICT, Python 3.13's default) require this one.
                    .addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot encode the server certificate's extensions", e);
        }
        return sign(builder, caKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + SIGNATURE, e);
        }
    }

    private static X500Name commonName(String value) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, value).build();
    }

    private static BigInteger serial() {
        return new BigInteger(1, randomBytes(16));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
