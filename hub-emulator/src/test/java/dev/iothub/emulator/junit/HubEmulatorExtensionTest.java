package dev.iothub.emulator.junit;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
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

    /** The unmodified service SDK reaches the extension's emulator: a 404, not a TLS failure. */
    private static void assertServed(HubEmulatorExtension extension) {
        RegistryClient registry = new RegistryClient(extension.hub().serviceConnectionString());
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice("nobody"));
    }
}
