package dev.iothub.tools.receivetwinpatch;

import static dev.iothub.tools.common.testing.Output.WAIT;
import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.JarRun;
import dev.iothub.tools.common.testing.ServiceSide;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** receive-twin-patch.jar as a user runs it, over each protocol: waits until stopped, and Ctrl-C/SIGTERM closes it with exit 0. */
class ReceiveTwinPatchJarIT {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.27");

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqtt-ws", "amqps", "amqps-ws"})
    void printsPatchesUntilStoppedThenClosesAndExits0(String protocol) throws Exception {
        String deviceId = "jar-device-" + protocol;
        String module = ServiceSide.createModule(EMULATOR.hub(), deviceId, "jar-module");
        try (JarRun receiver = JarRun.tool("receive-twin-patch", Map.of("IOTHUB_MODULE_CONNECTION_STRING", module),
                "--ca-cert", EMULATOR.hub().caCertificatePem().toString(), "--protocol", protocol)) {
            receiver.out().awaitContaining("Waiting for desired property patches (press Ctrl-C to exit)...", WAIT);
            int version = ServiceSide.patchDesired(EMULATOR.hub(), deviceId, "jar-module", "telemetryInterval", 122);
            receiver.out().awaitContaining("Desired property patch ($version " + version + "): {\"telemetryInterval\":122}", WAIT);

            receiver.terminate();
            assertEquals(0, receiver.exitCode(WAIT), receiver.toString());
            assertTrue(receiver.out().toString().contains("Connection status: DISCONNECTED (CLIENT_CLOSE)"), receiver.toString());
            assertTrue(receiver.out().toString().strip().endsWith("Closed the connection."), receiver.toString());
            assertEquals("", receiver.err().toString(), receiver.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqtt-ws", "amqps", "amqps-ws"})
    void aWrongKeyExits1(String protocol) throws Exception {
        String module = ServiceSide.createModule(EMULATOR.hub(), "wrong-key-" + protocol, "jar-module")
                .replaceFirst("SharedAccessKey=.*$", "SharedAccessKey=" + BOGUS_KEY);
        try (JarRun receiver = JarRun.tool("receive-twin-patch", Map.of("IOTHUB_MODULE_CONNECTION_STRING", module),
                "--ca-cert", EMULATOR.hub().caCertificatePem().toString(), "--protocol", protocol)) {
            assertEquals(1, receiver.exitCode(WAIT), receiver.toString());
            assertTrue(receiver.err().toString().contains("receive-twin-patch: the hub refused the connection: unauthorized"),
                    receiver.toString());
            assertFalse(receiver.toString().contains(BOGUS_KEY), receiver.toString());
        }
    }

    /**
     * Without the CA, over AMQP, Proton-J logs the TLS failure through java.util.logging before the SDK reports it:
     * the tool silences that, so its error stays one line on stderr.
     */
    @ParameterizedTest
    @ValueSource(strings = {"amqps", "amqps-ws"})
    void anUntrustedCertificateOverAmqpIsOneLineOnStderr(String protocol) throws Exception {
        String module = ServiceSide.createModule(EMULATOR.hub(), "no-ca-" + protocol, "jar-module");
        Map<String, String> environment = new HashMap<>(Map.of("IOTHUB_MODULE_CONNECTION_STRING", module));
        environment.put("IOTHUB_CA_CERT", null);
        try (JarRun receiver = JarRun.tool("receive-twin-patch", environment, "--protocol", protocol)) {
            assertEquals(3, receiver.exitCode(WAIT), receiver.toString());
            assertEquals(1, receiver.err().toString().strip().lines().count(), receiver.toString());
            assertTrue(receiver.err().toString().startsWith("receive-twin-patch: TLS: the certificate of "), receiver.toString());
        }
    }
}
