package dev.iothub.emulator.testing;

import dev.iothub.emulator.HubEmulator;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * An emulator's CA as the JVM's default trust for HTTPS (the service SDK's REST calls), for a test class that
 * starts its emulator with settings the JUnit extension does not offer; closing puts the previous default back.
 */
public final class DefaultTrust implements AutoCloseable {
    private final SSLSocketFactory previous = HttpsURLConnection.getDefaultSSLSocketFactory();

    private DefaultTrust(HubEmulator hub) {
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());
    }

    public static DefaultTrust of(HubEmulator hub) {
        return new DefaultTrust(hub);
    }

    @Override
    public void close() {
        HttpsURLConnection.setDefaultSSLSocketFactory(previous);
    }
}
