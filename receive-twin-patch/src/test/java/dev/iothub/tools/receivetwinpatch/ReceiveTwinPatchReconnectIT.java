package dev.iothub.tools.receivetwinpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.tools.common.testing.JarRun;
import dev.iothub.tools.common.testing.ServiceSide;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The receiver's jar, as a user runs it, across a restart of the hub on the same data directory, over each protocol. The change is made while the
 * receiver cannot connect: the hub at the receiver's address is down, and the same data directory is
 * served for that one write by an emulator on another address (a fresh server certificate, the same
 * CA, keys and twins). The hub keeps no notifications for disconnected clients, so the receiver only
 * learns of the change by reading the twin after it reconnects; it must print it exactly once.
 */
class ReceiveTwinPatchReconnectIT {
    static final Duration WAIT = Duration.ofSeconds(90);
    static final String RECEIVERS_HUB = "127.0.0.25";
    static final String OTHER_ADDRESS = "127.0.0.26";

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqtt-ws", "amqps", "amqps-ws"})
    @SuppressWarnings("try") // the restarted hub does its work by being up: the receiver reconnects to it
    void aChangeMadeWhileDisconnectedIsPrintedOnceAfterTheReconnect(String protocol, @TempDir Path data)
            throws Exception {
        HubEmulator hub = HubEmulator.builder().address(RECEIVERS_HUB).dataDirectory(data).start();
        String module;
        try {
            module = ServiceSide.createModule(hub, "restart-device", "restart-module");
        } catch (Exception e) {
            hub.close();
            throw e;
        }
        try (JarRun receiver = JarRun.tool("receive-twin-patch", Map.of("IOTHUB_MODULE_CONNECTION_STRING", module),
                "--ca-cert", hub.caCertificatePem().toString(), "--protocol", protocol, "--count", "2",
                "--timeout", "120")) {
            try {
                receiver.out().awaitContaining("Waiting for desired property patches", WAIT);
                int live = ServiceSide.patchDesired(hub, "restart-device", "restart-module", "telemetryInterval", 10);
                receiver.out().awaitContaining("Desired property patch ($version " + live + ")", WAIT);
            } finally {
                hub.close();
            }
            receiver.out().awaitContaining("Connection status: DISCONNECTED_RETRYING", WAIT);

            int missed;
            try (HubEmulator elsewhere = HubEmulator.builder().address(OTHER_ADDRESS).dataDirectory(data).start()) {
                missed = ServiceSide.patchDesired(elsewhere, "restart-device", "restart-module", "telemetryInterval", 20);
            }

            try (HubEmulator restarted = HubEmulator.builder().address(RECEIVERS_HUB).dataDirectory(data).start()) {
                assertEquals(0, receiver.exitCode(WAIT), receiver.toString());
            }
            String out = receiver.out().toString();
            assertTrue(out.contains("Desired properties changed while disconnected, now ($version " + missed
                    + "): {\"telemetryInterval\":20}"), out);
            assertEquals(1, Pattern.compile("\\$version " + missed + "\\)").matcher(out).results().count(), out);
            assertFalse(out.contains("Desired property patch ($version " + missed + ")"), out);
            assertTrue(out.indexOf("Connection status: CONNECTED") < out.lastIndexOf("Connection status: CONNECTED"),
                    "connected twice\n" + out);
        }
    }

    /**
     * An in-memory hub-emulator restarted comes back with a new CA: the receiver's reconnect fails TLS, and its
     * last words name the cause people can act on, not only the SDK's reason.
     */
    @Test
    @SuppressWarnings("try") // the restarted hub does its work by being up, with a CA the receiver does not trust
    void givingUpNamesACertificateNoLongerTrusted() throws Exception {
        try (JarRun receiver = receiverWhoseHubStops("new-ca-device")) {
            try (HubEmulator restarted = HubEmulator.builder().address(RECEIVERS_HUB).start()) {
                assertEquals(3, receiver.exitCode(WAIT), receiver.toString());
            }
            assertTrue(receiver.err().toString().contains("gave up reconnecting"), receiver.toString());
            assertTrue(receiver.err().toString().contains("TLS: the certificate of " + RECEIVERS_HUB + ":8883 changed since "
                    + "the connection was made, and the new one is not trusted: the CA in "), receiver.toString());
            assertTrue(receiver.err().toString().contains("a hub-emulator started in memory makes a new CA each time: pass "
                    + "the new one with --ca-cert FILE"), receiver.toString());
        }
    }

    /** --retry-for bounds how long a lost connection is retried: here 3 s, where the SDK's own is 240 s. */
    @Test
    void retryForBoundsTheReconnecting() throws Exception {
        try (JarRun receiver = receiverWhoseHubStops("retry-device", "--retry-for", "3")) {
            assertEquals(3, receiver.exitCode(WAIT), receiver.toString());
            assertTrue(receiver.err().toString().contains("gave up reconnecting"), receiver.toString());
        }
    }

    /**
     * A receiver (the jar, with {@code args}) connected to a module on an in-memory hub at the receiver's address,
     * which is stopped once the receiver waits for patches.
     */
    private static JarRun receiverWhoseHubStops(String deviceId, String... args) throws Exception {
        try (HubEmulator hub = HubEmulator.builder().address(RECEIVERS_HUB).start()) {
            String module = ServiceSide.createModule(hub, deviceId, "m");
            List<String> all = new ArrayList<>(List.of("--ca-cert", hub.caCertificatePem().toString()));
            all.addAll(List.of(args));
            JarRun receiver = JarRun.tool("receive-twin-patch", Map.of("IOTHUB_MODULE_CONNECTION_STRING", module),
                    all.toArray(String[]::new));
            try {
                receiver.out().awaitContaining("Waiting for desired property patches", WAIT);
            } catch (Exception | AssertionError e) {
                receiver.close();
                throw e;
            }
            return receiver;
        }
    }
}
