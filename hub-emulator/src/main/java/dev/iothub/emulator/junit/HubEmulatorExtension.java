package dev.iothub.emulator.junit;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.internal.transport.AddressInUse;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link HubEmulator} before a test class and closes it after:
 * <pre>{@code @RegisterExtension static final HubEmulatorExtension hub = new HubEmulatorExtension("127.0.0.2");}</pre>
 * While it runs, {@code HttpsURLConnection}'s default socket factory trusts the emulator, because the
 * service SDK uses that default and takes no SSLContext of its own. That default is one for the whole JVM, so
 * it is set once, to trust every running emulator's CA and what the JVM trusts anyway: test classes that run
 * in parallel, each with its own emulator, do not undo each other's trust.
 */
public final class HubEmulatorExtension implements BeforeAllCallback, AfterAllCallback {
    private final HubEmulator.Builder builder;
    private HubEmulator hub;
    private X509Certificate trusted;

    /** An in-memory emulator on {@code address}: give each test class its own 127.0.0.x. */
    public HubEmulatorExtension(String address) {
        this(address, null);
    }

    /** An emulator that keeps its data in {@code dataDirectory}. */
    public HubEmulatorExtension(String address, Path dataDirectory) {
        this(dataDirectory == null ? HubEmulator.builder().address(address)
                : HubEmulator.builder().address(address).dataDirectory(dataDirectory));
    }

    /** An emulator as {@code builder} says, such as one with consumer groups: started before the class. */
    public HubEmulatorExtension(HubEmulator.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        try {
            hub = builder.start();
        } catch (AddressInUse e) {
            throw e.advising("new HubEmulatorExtension(\"127.0.0.N\"), an address of this test class's own");
        }
        trusted = EmulatorTrust.add(hub.caCertificatePem());
    }

    /** After a failed start, JUnit has that failure to report and there is nothing to stop. */
    @Override
    public void afterAll(ExtensionContext context) {
        if (trusted != null) {
            EmulatorTrust.remove(trusted);
        }
        if (hub != null) {
            hub.close();
        }
    }

    public HubEmulator hub() {
        if (hub == null) {
            throw new IllegalStateException("the emulator starts before the test class's first test; use it from there");
        }
        return hub;
    }
}
