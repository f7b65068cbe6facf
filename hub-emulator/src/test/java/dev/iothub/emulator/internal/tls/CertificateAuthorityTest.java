package dev.iothub.emulator.internal.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
    @TempDir
    Path directory;

    private final EventLoopGroup group = new NioEventLoopGroup(1);

    @AfterEach
    void stopServer() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly(); // no quiet period: nothing is in flight
    }

    @Test
    void loadingAgainKeepsTheSameCa() throws Exception {
        CertificateAuthority first = CertificateAuthority.loadOrCreate(directory.resolve("ca"));
        CertificateAuthority second = CertificateAuthority.loadOrCreate(directory.resolve("ca"));

        assertArrayEquals(first.certificate().getEncoded(), second.certificate().getEncoded());
        assertTrue(first.certificate().getSubjectX500Principal().getName().startsWith("CN=hub-emulator CA "));
    }

    @Test
    void concurrentFirstLoadsMakeOneCa() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CertificateAuthority>> loads = pool.invokeAll(
                    Collections.nCopies(4, () -> CertificateAuthority.loadOrCreate(directory)));
            for (Future<CertificateAuthority> load : loads) {
                assertEquals(loads.get(0).get().certificate(), load.get().certificate());
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void eachNewCaHasItsOwnName() throws Exception {
        X509Certificate one = CertificateAuthority.loadOrCreate(directory.resolve("one")).certificate();
        X509Certificate two = CertificateAuthority.loadOrCreate(directory.resolve("two")).certificate();

        assertNotEquals(one.getSubjectX500Principal(), two.getSubjectX500Principal());
    }

    @Test
    void caIsASelfSignedEcCaForTenYears() throws Exception {
        X509Certificate ca = CertificateAuthority.loadOrCreate(directory).certificate();

        ca.verify(ca.getPublicKey());
        assertEquals("SHA256withECDSA", ca.getSigAlgName());
        assertEquals(Integer.MAX_VALUE, ca.getBasicConstraints());
        assertTrue(ca.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints is critical");
        assertTrue(ca.getKeyUsage()[5] && ca.getKeyUsage()[6], "keyCertSign and cRLSign");
        long days = (ca.getNotAfter().getTime() - ca.getNotBefore().getTime()) / 86_400_000L;
        assertTrue(days >= 3650 + 1 && days <= 3653 + 1, "valid for " + days + " days");
    }

    @Test
    void pemFileHoldsTheCaCertificate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);

        try (InputStream in = Files.newInputStream(ca.certificatePem())) {
            assertEquals(ca.certificate(), CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
    }

    @Test
    void trustStoreHoldsOnlyTheCaCertificate() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ca.trustStore())) {
            store.load(in, "changeit".toCharArray());
        }
        assertEquals(1, store.size());
        String alias = store.aliases().nextElement();
        assertTrue(store.isCertificateEntry(alias));
        assertEquals(ca.certificate(), store.getCertificate(alias));
    }

    @Test
    void privateKeyIsReadableByItsOwnerOnly() throws Exception {
        CertificateAuthority.loadOrCreate(directory);
        Path key = directory.resolve("ca-key.pem");

        if (Files.getFileStore(key).supportsFileAttributeView("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        }
    }

    @Test
    void tls12And13HandshakesVerifyTheIpAddress() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);
        int port = serve(ca.serverContext(List.of("127.0.0.1"), List.of("localhost")));

        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            SSLSession session = handshake(ca.clientContext(), "127.0.0.1", port, protocol);

            assertEquals(protocol, session.getProtocol());
        }
    }

    /**
     * As servers like the hub's do, the server sends its own certificate and leaves the root out: a client that
     * does not trust the CA then finds the leaf's issuer missing (Node: UNABLE_TO_VERIFY_LEAF_SIGNATURE) rather
     * than a self-signed certificate in the chain (SELF_SIGNED_CERT_IN_CHAIN).
     */
    @Test
    void theServerSendsItsCertificateWithoutTheRoot() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);
        int port = serve(ca.serverContext(List.of("127.0.0.1"), List.of("localhost")));

        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            Certificate[] chain = handshake(ca.clientContext(), "127.0.0.1", port, protocol).getPeerCertificates();

            assertEquals(1, chain.length, protocol + ": the server certificate alone");
            X509Certificate server = (X509Certificate) chain[0];
            assertEquals(ca.certificate().getSubjectX500Principal(), server.getIssuerX500Principal());
            server.verify(ca.certificate().getPublicKey());
        }
    }

    @Test
    void serverCertificateNamesEveryAddressAndServesOnlyServerAuth() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);
        int port = serve(ca.serverContext(List.of("127.0.0.1", "127.0.0.2"), List.of("localhost", "hub.local")));

        X509Certificate server = (X509Certificate) handshake(ca.clientContext(), "127.0.0.1", port, "TLSv1.3")
                .getPeerCertificates()[0];

        assertEquals("CN=localhost", server.getSubjectX500Principal().getName());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.getExtendedKeyUsage());
        assertEquals(List.of(List.of(2, "localhost"), List.of(2, "hub.local"),
                List.of(7, "127.0.0.1"), List.of(7, "127.0.0.2")), List.copyOf(server.getSubjectAlternativeNames()));
        assertFalse(server.getNotAfter().after(ca.certificate().getNotAfter()));
    }

    @Test
    void deviceSdkStyleContextTrustsTheCaThroughTheTrustStoreFile() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);
        int port = serve(ca.serverContext(List.of("127.0.0.1"), List.of("localhost")));

        // As the device SDK does: SSLContext "TLSv1.2" with the default trust managers, which
        // -Djavax.net.ssl.trustStore=ca.p12 would point at this file.
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ca.trustStore())) {
            store.load(in, "changeit".toCharArray());
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(null, trust.getTrustManagers(), null);

        assertEquals("TLSv1.2", handshake(context, "localhost", port, "TLSv1.2").getProtocol());
    }

    @Test
    void clientNotTrustingTheCaFailsTheHandshake() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory.resolve("ours"));
        CertificateAuthority other = CertificateAuthority.loadOrCreate(directory.resolve("other"));
        int port = serve(ca.serverContext(List.of("127.0.0.1"), List.of("localhost")));

        assertThrows(SSLHandshakeException.class,
                () -> handshake(other.clientContext(), "127.0.0.1", port, "TLSv1.3"));
    }

    @Test
    void nameMissingFromTheCertificateFailsTheHandshake() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);
        int port = serve(ca.serverContext(List.of("127.0.0.2"), List.of("hub.local")));

        assertThrows(SSLHandshakeException.class, () -> handshake(ca.clientContext(), "127.0.0.1", port, "TLSv1.3"));
    }

    @Test
    void missingKeyIsAnErrorThatNamesTheFileAndLeavesTheCaAlone() throws Exception {
        CertificateAuthority.loadOrCreate(directory);
        byte[] pem = Files.readAllBytes(directory.resolve("ca.pem"));
        Files.delete(directory.resolve("ca-key.pem"));

        IOException e = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(directory));

        assertTrue(e.getMessage().startsWith(directory.resolve("ca-key.pem") + " is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("delete the ca* files in " + directory), e.getMessage());
        assertArrayEquals(pem, Files.readAllBytes(directory.resolve("ca.pem")));
        assertTrue(Files.notExists(directory.resolve("ca-key.pem")));
    }

    @Test
    void garbageCertificateIsAnError() throws Exception {
        CertificateAuthority.loadOrCreate(directory);
        Files.write(directory.resolve("ca.pem"), new byte[] {(byte) 0xff, 0, 'x'});

        IOException e = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(directory));

        assertTrue(e.getMessage().startsWith(directory.resolve("ca.pem") + " is unreadable or damaged"),
                e.getMessage());
    }

    @Test
    void truncatedKeyIsAnError() throws Exception {
        CertificateAuthority.loadOrCreate(directory);
        Path key = directory.resolve("ca-key.pem");
        byte[] pem = Files.readAllBytes(key);
        for (int length : new int[] {0, 40, pem.length / 2, pem.length - 30}) {
            Files.write(key, Arrays.copyOf(pem, length));

            IOException e = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(directory));

            assertTrue(e.getMessage().startsWith(key + " is unreadable or damaged"), e.getMessage());
        }
    }

    @Test
    void keyOfAnotherCaIsAnError() throws Exception {
        CertificateAuthority.loadOrCreate(directory.resolve("ours"));
        CertificateAuthority.loadOrCreate(directory.resolve("other"));
        Files.copy(directory.resolve("other/ca-key.pem"), directory.resolve("ours/ca-key.pem"),
                StandardCopyOption.REPLACE_EXISTING);

        IOException e = assertThrows(IOException.class,
                () -> CertificateAuthority.loadOrCreate(directory.resolve("ours")));

        assertTrue(e.getMessage().contains("is not the private key of ca.pem"), e.getMessage());
    }

    @Test
    void trustStoreAloneIsAnError() throws Exception {
        CertificateAuthority.loadOrCreate(directory);
        Files.delete(directory.resolve("ca.pem"));
        Files.delete(directory.resolve("ca-key.pem"));

        IOException e = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(directory));

        assertTrue(e.getMessage().startsWith(directory.resolve("ca.pem") + " is missing"), e.getMessage());
    }

    @Test
    void damagedTrustStoreIsAnErrorAndAMissingOneIsMadeAgain() throws Exception {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);
        Files.writeString(ca.trustStore(), "not a key store");

        IOException e = assertThrows(IOException.class, () -> CertificateAuthority.loadOrCreate(directory));
        assertTrue(e.getMessage().startsWith(ca.trustStore() + " is not a PKCS12 trust store"), e.getMessage());

        Files.delete(ca.trustStore());
        CertificateAuthority.loadOrCreate(directory);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ca.trustStore())) {
            store.load(in, "changeit".toCharArray());
        }
        assertNotNull(store.getCertificateAlias(ca.certificate()));
    }

    private int serve(SslContext context) {
        Channel channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(context.newHandler(ch.alloc()), new ChannelInboundHandlerAdapter() {
                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // failed handshakes are what some tests expect
                            }
                        });
                    }
                })
                .bind("127.0.0.1", 0)
                .syncUninterruptibly()
                .channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Connects to 127.0.0.1 but verifies {@code host}, as an HTTPS client dialling that name would. */
    private static SSLSession handshake(SSLContext context, String host, int port, String protocol)
            throws IOException {
        Socket plain = new Socket("127.0.0.1", port);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setProtocols(new String[] {protocol});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket.getSession();
        }
    }
}
