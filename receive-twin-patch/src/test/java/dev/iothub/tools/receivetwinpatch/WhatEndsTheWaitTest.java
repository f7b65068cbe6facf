package dev.iothub.tools.receivetwinpatch;

import static dev.iothub.tools.common.testing.HubArgs.withHub;
import static dev.iothub.tools.common.testing.Output.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.Run;
import dev.iothub.tools.common.testing.ServiceSide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The receiver's waiting line says what will end the wait: --count, --timeout, or only Ctrl-C. */
class WhatEndsTheWaitTest {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.46");

    private String deviceId;
    private String moduleConnectionString;

    @BeforeEach
    void createModule(TestInfo test) throws Exception {
        deviceId = test.getTestMethod().orElseThrow().getName();
        moduleConnectionString = ServiceSide.createModule(EMULATOR.hub(), deviceId, "waiting");
    }

    private Run receiver(String... args) {
        return Run.inBackground(ReceiveTwinPatch.commandLine(new ReceiveTwinPatch()),
                withHub(moduleConnectionString, EMULATOR.hub(), args));
    }

    @Test
    void withCountAlone() throws Exception {
        Run receiver = receiver("--count", "1");
        receiver.out().awaitContaining("Waiting for desired property patches (until 1 desired-property change has come, "
                + "or Ctrl-C)...", WAIT);
        ServiceSide.patchDesired(EMULATOR.hub(), deviceId, "waiting", "mode", "eco");
        assertEquals(0, receiver.exitCode(WAIT), receiver.toString());
    }

    @Test
    void withTimeoutAlone() throws Exception {
        Run receiver = receiver("--timeout", "1");
        receiver.out().awaitContaining("Waiting for desired property patches (for 1 s, or until Ctrl-C)...", WAIT);
        assertEquals(0, receiver.exitCode(WAIT), receiver.toString());
    }

    @Test
    void withBoth() throws Exception {
        Run receiver = receiver("--count", "2", "--timeout", "1");
        receiver.out().awaitContaining("Waiting for desired property patches (until 2 desired-property changes have come, "
                + "at most 1 s, or Ctrl-C)...", WAIT);
        assertEquals(4, receiver.exitCode(WAIT), receiver.toString());
    }
}
