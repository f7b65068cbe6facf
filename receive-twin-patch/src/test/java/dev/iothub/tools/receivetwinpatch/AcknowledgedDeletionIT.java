package dev.iothub.tools.receivetwinpatch;

import static dev.iothub.tools.common.testing.Output.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.JarRun;
import dev.iothub.tools.common.testing.ServiceSide;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two jars together, as README shows them: receive-twin-patch --ack acknowledges, update-module-twin --wait-ack
 * waits for it, and for a desired property deleted, the acknowledgement is the reported property deleted too.
 * (This module is the reactor's last tool, so update-module-twin's jar is packaged by now.)
 */
class AcknowledgedDeletionIT {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.45");

    private static final String MODULE_ID = "acknowledging";
    private String deviceId;
    private String moduleConnectionString;

    @BeforeEach
    void createModule(TestInfo test) throws Exception {
        deviceId = test.getTestMethod().orElseThrow().getName();
        moduleConnectionString = ServiceSide.createModule(EMULATOR.hub(), deviceId, MODULE_ID);
    }

    private JarRun receiver() throws Exception {
        JarRun receiver = JarRun.tool("receive-twin-patch", Map.of("IOTHUB_MODULE_CONNECTION_STRING", moduleConnectionString),
                "--ca-cert", EMULATOR.hub().caCertificatePem().toString(), "--ack");
        receiver.out().awaitContaining("Waiting for desired property patches", WAIT);
        return receiver;
    }

    private JarRun update(String desired, String waitSeconds) throws Exception {
        return JarRun.tool("update-module-twin", Map.of("IOTHUB_CONNECTION_STRING", EMULATOR.hub().serviceConnectionString()),
                "--ca-cert", EMULATOR.hub().caCertificatePem().toString(), "--device-id", deviceId, "--module-id", MODULE_ID,
                "--desired", desired, "--wait-ack", waitSeconds);
    }

    private Map<String, Object> reported() throws Exception {
        return ServiceSide.reported(EMULATOR.hub(), deviceId, MODULE_ID);
    }

    @Test
    void aDeletionIsAcknowledgedOnceTheReceiverDeletedItsAcknowledgement() throws Exception {
        try (JarRun receiver = receiver()) {
            try (JarRun set = update("{\"mode\":\"eco\"}", "60")) {
                assertEquals(0, set.exitCode(WAIT), set.toString());
                assertTrue(set.out().toString().contains("The module acknowledged $version 2."), set.toString());
            }
            try (JarRun delete = update("{\"mode\":null}", "60")) {
                assertEquals(0, delete.exitCode(WAIT), delete.toString());
                assertTrue(delete.out().toString().contains("The module acknowledged $version 3."), delete.toString());
                assertFalse(reported().containsKey("mode"), "acknowledged only once the acknowledgement was gone: " + reported());
            }
            receiver.out().awaitContaining("Acknowledged $version 3: removed the acknowledgement of mode (no longer desired)", WAIT);
        }
    }

    @Test
    @SuppressWarnings("try") // the receiver does its work by running: it acknowledges the first patch
    void withoutAReceiverADeletionIsNotAcknowledgedAndTheNextReceiverCatchesUp() throws Exception {
        try (JarRun receiver = receiver(); JarRun set = update("{\"mode\":\"eco\"}", "60")) {
            assertEquals(0, set.exitCode(WAIT), set.toString());
        }
        try (JarRun delete = update("{\"mode\":null}", "2")) {
            assertEquals(4, delete.exitCode(WAIT), delete.toString());
            assertTrue(delete.err().toString().contains("the module did not acknowledge $version 3 within 2 s (the "
                    + "acknowledgement of deleted mode removed still to come"), delete.toString());
            assertFalse(delete.out().toString().contains("The module acknowledged"), delete.toString());
        }
        assertTrue(reported().containsKey("mode"), "the stale acknowledgement is still there: " + reported());

        try (JarRun receiver = receiver()) {
            receiver.out().awaitContaining("Acknowledged $version 3: removed the acknowledgement of mode (no longer desired)", WAIT);
        }
        assertFalse(reported().containsKey("mode"), "a receiver started later deletes it: " + reported());
    }
}
