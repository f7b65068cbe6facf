package dev.iothub.emulator.testing;

import dev.iothub.emulator.HubEmulator;
import java.security.NoSuchAlgorithmException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * An emulator's CA as the JVM's default trust, for HTTPS (the service SDK's REST calls) and as the default
 * SSLContext (the Event Hubs clients'), for a test that starts its emulator with settings the JUnit extension does
 * not offer; closing puts the previous defaults back.
 */
public final class DefaultTrust implements AutoCloseable {
    private final SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();
    private final SSLContext previousContext;

    private DefaultTrust(HubEmulator hub) {
        try {
            previousContext = SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no default SSLContext", e);
        }
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());
        SSLContext.setDefault(hub.clientSslContext());
    }

    public static DefaultTrust of(HubEmulator hub) {
        return new DefaultTrust(hub);
    }

    @Override
    public void close() {
        HttpsURLConnection.setDefaultSSLSocketFactory(previous);
        SSLContext.setDefault(previousContext);
    }
}
