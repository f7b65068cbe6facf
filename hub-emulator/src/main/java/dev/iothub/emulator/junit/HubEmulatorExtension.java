package dev.iothub.emulator.junit;

import dev.iothub.emulator.HubEmulator;
import java.io.IOException;
import java.nio.file.Path;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link HubEmulator} before a test class and closes it after:
 * <pre>{@code @RegisterExtension static final HubEmulatorExtension hub = new HubEmulatorExtension("127.0.0.2");}</pre>
 * While it runs, {@code HttpsURLConnection}'s default socket factory trusts the emulator, because the
 * service SDK uses that default and takes no SSLContext of its own; the previous default comes back after.
 */
public final class HubEmulatorExtension implements BeforeAllCallback, AfterAllCallback {
    private final String address;
    private final Path dataDirectory;
    private HubEmulator hub;
    private SSLSocketFactory previousDefault;

    /** An in-memory emulator on {@code address}: give each test class its own 127.0.0.x. */
    public HubEmulatorExtension(String address) {
        this(address, null);
    }

    /** An emulator that keeps its data in {@code dataDirectory}. */
    public HubEmulatorExtension(String address, Path dataDirectory) {
        this.address = address;
        this.dataDirectory = dataDirectory;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        HubEmulator.Builder builder = HubEmulator.builder().address(address);
        if (dataDirectory != null) {
            builder.dataDirectory(dataDirectory);
        }
        hub = builder.start();
        previousDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
        hub.close();
    }

    public HubEmulator hub() {
        if (hub == null) {
            throw new IllegalStateException("the emulator starts before the test class's first test; use it from there");
        }
        return hub;
    }
}
