package dev.iothub.tools.receivetwinpatch;

import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.tools.common.testing.JarRun;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * quickstart.sh end to end, as a user runs it from the repository root. It lives in the last tool's
 * module so that every jar it runs has been packaged by then.
 */
class QuickstartIT {
    static final Duration WAIT = Duration.ofSeconds(180);

    private static JarRun quickstart(Map<String, String> settings) throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("IOTHUB_CONNECTION_STRING", null);
        environment.put("IOTHUB_CA_CERT", null);
        environment.putAll(settings);
        return JarRun.command(List.of("bash", "quickstart.sh"), environment);
    }

    @Test
    void runsTheTutorialOnHubEmulatorAndStopsWhatItStarted() throws Exception {
        try (JarRun run = quickstart(Map.of("QUICKSTART_ADDRESS", "127.0.0.28"))) {
            assertEquals(0, run.exitCode(WAIT), run.toString());
            String out = run.out().toString();
            assertTrue(out.contains("target: hub-emulator in memory on 127.0.0.28 (IOTHUB_CONNECTION_STRING is not set)"), out);
            assertTrue(out.contains("Module created: myFirstDevice/myFirstModule"), out);
            assertTrue(out.contains("Waiting for desired property patches"), out);
            assertTrue(out.contains("Desired property patch ($version 2): {\"telemetryInterval\":122}"), out);
            assertTrue(out.strip().endsWith("quickstart: OK - the module received the desired-property patch."), out);
        }
        // Everything it started is stopped: the address is free for a new emulator.
        try (var again = HubEmulator.builder().address("127.0.0.28").start()) {
            assertEquals("127.0.0.28", again.hostName());
        }
    }

    /** The 2018 edition of the tutorial receives the patch over AMQP. */
    @ParameterizedTest
    @ValueSource(strings = {"amqps", "amqps-ws"})
    void runsTheTutorialWithTheReceiverOverAmqp(String protocol) throws Exception {
        try (JarRun run = quickstart(Map.of("QUICKSTART_ADDRESS", "127.0.0.31", "QUICKSTART_PROTOCOL", protocol))) {
            assertEquals(0, run.exitCode(WAIT), run.toString());
            String out = run.out().toString();
            assertTrue(out.contains("Connecting to 127.0.0.31 as module myFirstDevice/myFirstModule over " + protocol), out);
            assertTrue(out.contains("Desired property patch ($version 2): {\"telemetryInterval\":122}"), out);
            assertTrue(out.strip().endsWith("quickstart: OK - the module received the desired-property patch."), out);
        }
    }

    @Test
    void runsAgainstTheHubOfIotHubConnectionStringWithoutStartingAnEmulator() throws Exception {
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.29").start();
             JarRun run = quickstart(Map.of(
                     "IOTHUB_CONNECTION_STRING", hub.serviceConnectionString(),
                     "IOTHUB_CA_CERT", hub.caCertificatePem().toString(),
                     "QUICKSTART_DEVICE_ID", "own-hub-device",
                     "QUICKSTART_DESIRED", "{\"telemetryInterval\":60}"))) {
            assertEquals(0, run.exitCode(WAIT), run.toString());
            String out = run.out().toString();
            assertTrue(out.contains("target: the hub of IOTHUB_CONNECTION_STRING (127.0.0.29); unset it to run on "
                    + "hub-emulator instead"), out);
            assertFalse(out.contains("start hub-emulator"), out);
            assertTrue(out.contains("Desired property patch ($version 2): {\"telemetryInterval\":60}"), out);
        }
    }

    /** --help says what it does and lists its settings, and runs nothing; anything else is bad usage. */
    @Test
    void helpListsTheSettingsAndRunsNothing() throws Exception {
        try (JarRun help = JarRun.command(List.of("bash", "quickstart.sh", "--help"), Map.of())) {
            assertEquals(0, help.exitCode(WAIT), help.toString());
            for (String setting : new String[] {"IOTHUB_CONNECTION_STRING", "IOTHUB_CA_CERT", "QUICKSTART_ADDRESS",
                    "QUICKSTART_DEVICE_ID", "QUICKSTART_MODULE_ID", "QUICKSTART_DESIRED", "QUICKSTART_PROTOCOL", "JAVA"}) {
                assertTrue(help.out().toString().contains(setting), setting + "\n" + help);
            }
            assertFalse(help.out().toString().contains("== "), "no step ran: " + help);
        }
        try (JarRun bad = JarRun.command(List.of("bash", "quickstart.sh", "--address", "127.0.0.5"), Map.of())) {
            assertEquals(2, bad.exitCode(WAIT), bad.toString());
            assertTrue(bad.err().toString().contains("unknown argument \"--address\""), bad.toString());
        }
    }

    @Test
    void namesTheStepThatFailed() throws Exception {
        try (JarRun run = quickstart(Map.of("IOTHUB_CONNECTION_STRING",
                "HostName=127.0.0.49;SharedAccessKeyName=iothubowner;SharedAccessKey=" + BOGUS_KEY))) {
            assertEquals(1, run.exitCode(WAIT), run.toString());
            assertTrue(run.err().toString().contains("quickstart: FAILED at step \"create-module: the device and module identities\": "
                    + "create-module exited with status 3"), run.toString());
            assertTrue(run.err().toString().contains("create-module: could not reach the hub"), run.toString());
            assertTrue(run.err().toString().contains("--ca-cert is IOTHUB_CA_CERT here"), run.toString());
            assertFalse(run.toString().contains(BOGUS_KEY), run.toString());
        }
    }

    /**
     * Before a build that can take a minute, it says which hub it targets; and a hub-emulator that cannot start
     * (here, as another holds the address) is said in words, not as the pattern the script looked for.
     * (127.0.0.46 is WhatEndsTheWaitTest's too, which runs in this module's test phase, never beside this one.)
     */
    @Test
    @SuppressWarnings("try") // holdingTheAddress does its work by being open: quickstart cannot bind it
    void saysWhichHubFirstAndAnEmulatorThatDidNotStartInWords() throws Exception {
        try (HubEmulator holdingTheAddress = HubEmulator.builder().address("127.0.0.46").start();
                JarRun run = quickstart(Map.of("QUICKSTART_ADDRESS", "127.0.0.46"))) {
            assertEquals(1, run.exitCode(WAIT), run.toString());
            assertTrue(run.out().toString().startsWith("target: hub-emulator in memory on 127.0.0.46 "
                    + "(IOTHUB_CONNECTION_STRING is not set)\n"), run.toString());
            String err = run.err().toString();
            assertTrue(err.contains("quickstart: FAILED at step \"start hub-emulator in memory on 127.0.0.46\": it ended "
                    + "before saying it was ready; its output was:"), run.toString());
            assertTrue(err.contains("the port is in use"), run.toString());
            assertFalse(err.contains("/^"), run.toString());
        }
    }
}
