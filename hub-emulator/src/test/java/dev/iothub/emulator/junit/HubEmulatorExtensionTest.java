package dev.iothub.emulator.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.HubEmulator;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/** Two test classes' extensions, their lives overlapping as when JUnit runs classes in parallel. */
class HubEmulatorExtensionTest {
    private static final String TAKEN = "127.0.0.36";

    /**
     * A class whose emulator cannot start (another has its address) fails with that one error, which says what
     * to change in the test's own terms, not the command line's; afterAll, which runs all the same, adds nothing.
     */
    @Test
    void anEmulatorThatCannotStartIsOneFailureInTheExtensionsWords() throws Exception {
        List<TestExecutionResult> failures = new CopyOnWriteArrayList<>();
        HubEmulator other = HubEmulator.builder().address(TAKEN).start();
        try {
            LauncherFactory.create().execute(request().selectors(selectClass(ClassOnATakenAddress.class)).build(),
                    new TestExecutionListener() {
                        @Override
                        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                                failures.add(result);
                            }
                        }
                    });
        } finally {
            other.close();
        }

        assertEquals(1, failures.size(), failures::toString);
        Throwable failure = failures.get(0).getThrowable().orElseThrow();
        assertTrue(failure instanceof IOException, failure::toString);
        assertEquals(0, failure.getSuppressed().length, () -> "afterAll added " + List.of(failure.getSuppressed()));
        assertTrue(failure.getMessage().contains("new HubEmulatorExtension(\"127.0.0.N\")"), failure.getMessage());
        assertFalse(failure.getMessage().contains("--address"), failure.getMessage());
    }

    /** Run by the test above only (surefire leaves nested classes alone): its emulator's address is taken. */
    static class ClassOnATakenAddress {
        @RegisterExtension
        static final HubEmulatorExtension hub = new HubEmulatorExtension(TAKEN);

        @Test
        void neverRuns() {
        }
    }

    /** The builder's advice names the builder's method. */
    @Test
    void aTakenAddressIsAdvisedInTheBuildersWords() throws Exception {
        try (HubEmulator other = HubEmulator.builder().address(TAKEN).start()) {
            IOException refused = assertThrows(IOException.class,
                    () -> HubEmulator.builder().address(other.hostName()).start());

            assertTrue(refused.getMessage().contains("HubEmulator.builder().address(\"127.0.0.N\")"),
                    refused.getMessage());
            assertFalse(refused.getMessage().contains("--address"), refused.getMessage());
        }
    }

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
