package dev.iothub.emulator.junit;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** Two test classes' extensions, their lives overlapping as when JUnit runs classes in parallel. */
class HubEmulatorExtensionTest {

    @Test
    void oneClassEndingLeavesTheOthersTrustAlone() throws Exception {
        HubEmulatorExtension first = new HubEmulatorExtension("127.0.0.9");
        HubEmulatorExtension second = new HubEmulatorExtension("127.0.0.10");
        first.beforeAll(null);
        second.beforeAll(null);
        try {
            assertServed(first);
            assertServed(second);

            first.afterAll(null);
            assertServed(second);
        } finally {
            second.afterAll(null);
        }
    }

    /** A test that set a default of its own, and left it, does not take the next class's trust away. */
    @Test
    void aDefaultLeftBehindByAnotherTestIsReplaced() throws Exception {
        HubEmulatorExtension earlier = new HubEmulatorExtension("127.0.0.9");
        earlier.beforeAll(null);
        earlier.afterAll(null);
        HttpsURLConnection.setDefaultSSLSocketFactory(SSLContext.getDefault().getSocketFactory());
        HubEmulatorExtension extension = new HubEmulatorExtension("127.0.0.10");
        extension.beforeAll(null);
        try {
            assertServed(extension);
        } finally {
            extension.afterAll(null);
        }
    }

    /** The unmodified service SDK reaches the extension's emulator: a 404, not a TLS failure. */
    private static void assertServed(HubEmulatorExtension extension) {
        RegistryClient registry = new RegistryClient(extension.hub().serviceConnectionString());
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice("nobody"));
    }
}
