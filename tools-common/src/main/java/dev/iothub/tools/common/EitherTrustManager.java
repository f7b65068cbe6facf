package dev.iothub.tools.common;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server if the extra trust manager does, or else if the default one does. Both are
 * SunJSSE's own, so host name checks and the rest stay exactly as the JDK does them. The default one
 * is made only when first needed, as a hub whose CA was given with --ca-cert never needs it: that spares
 * a second read of the JDK's cacerts and its 144 trust anchors (the JDK's validator reads cacerts once
 * anyway), a few milliseconds.
 */
final class EitherTrustManager extends X509ExtendedTrustManager {
    /** Makes the default trust manager. */
    @FunctionalInterface
    interface Factory {
        X509ExtendedTrustManager create() throws GeneralSecurityException;
    }

    private final Factory primaryFactory;
    private final X509ExtendedTrustManager extra;
    private X509ExtendedTrustManager primary;

    EitherTrustManager(Factory primary, X509ExtendedTrustManager extra) {
        this.primaryFactory = primary;
        this.extra = extra;
    }

    private synchronized X509ExtendedTrustManager primary() throws CertificateException {
        if (primary == null) {
            try {
                primary = primaryFactory.create();
            } catch (GeneralSecurityException e) {
                throw new CertificateException("cannot load the default trust roots: " + e.getMessage(), e);
            }
        }
        return primary;
    }

    @FunctionalInterface
    private interface Check {
        void run(X509ExtendedTrustManager manager) throws CertificateException;
    }

    private void either(Check check) throws CertificateException {
        try {
            check.run(extra);
        } catch (CertificateException notByExtra) {
            try {
                check.run(primary());
            } catch (CertificateException notByDefault) {
                notByExtra.addSuppressed(notByDefault);
                throw notByExtra;
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        either(m -> m.checkServerTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        either(m -> m.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        either(m -> m.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        either(m -> m.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        either(m -> m.checkClientTrusted(chain, authType, socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        either(m -> m.checkClientTrusted(chain, authType, engine));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        X509Certificate[] defaults;
        try {
            defaults = primary().getAcceptedIssuers();
        } catch (CertificateException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return Stream.concat(Arrays.stream(defaults), Arrays.stream(extra.getAcceptedIssuers()))
                .toArray(X509Certificate[]::new);
    }
}
