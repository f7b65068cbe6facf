package dev.iothub.tools.receivetwinpatch;

import static dev.iothub.tools.common.testing.Output.WAIT;
import static dev.iothub.tools.common.testing.HubArgs.withHub;
import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static dev.iothub.tools.common.testing.ToolAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.HubArgs;
import dev.iothub.tools.common.testing.Run;
import dev.iothub.tools.common.testing.ServiceSide;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** receive-twin-patch against hub-emulator over each protocol, run in-process on its own thread. */
class ReceiveTwinPatchTest {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.24");

    private String deviceId;
    private final String moduleId = "receiver";
    private String moduleConnectionString;

    @BeforeEach
    void createModule(TestInfo test) throws Exception {
        // a parameterised test's invocations each get a device of their own: "[2] mqtt-ws" adds "2mqtt-ws"
        deviceId = test.getTestMethod().orElseThrow().getName() + "-"
                + test.getDisplayName().replaceAll("[^A-Za-z0-9-]", "");
        moduleConnectionString = ServiceSide.createModule(EMULATOR.hub(), deviceId, moduleId);
    }

    private Run startReceiver(String... args) {
        return Run.inBackground(ReceiveTwinPatch.commandLine(new ReceiveTwinPatch()),
                withHub(moduleConnectionString, EMULATOR.hub(), args));
    }

    private int patch(String name, Object value) {
        return ServiceSide.patchDesired(EMULATOR.hub(), deviceId, moduleId, name, value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqtt-ws", "amqps", "amqps-ws"})
    void printsThePatchAndExitsAfterCount(String protocol) throws Exception {
        Run receiver = startReceiver("--protocol", protocol, "--count", "1", "--timeout", "60");
        receiver.out().awaitContaining("Waiting for desired property patches (until 1 desired-property change has come, "
                + "at most 1 min, or Ctrl-C)...", WAIT);
        int version = patch("telemetryInterval", 122);
        assertEquals(0, receiver.exitCode(WAIT), receiver.toString());
        String out = receiver.out().toString();
        assertTrue(out.contains("Connection status: CONNECTED (CONNECTION_OK)"), out);
        assertTrue(out.contains("Desired properties now ($version 1): {}"), out);
        assertTrue(out.contains("Desired property patch ($version " + version + "): {\"telemetryInterval\":122}"), out);
        assertTrue(out.contains("over " + protocol + "..."), out);
        assertEquals("", receiver.err().toString());
    }

    /** --ack reports each desired property back as IoT Plug and Play's acknowledgement, over every protocol. */
    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqtt-ws", "amqps", "amqps-ws"})
    void ackReportsEachReceivedPropertyBack(String protocol) throws Exception {
        Run receiver = startReceiver("--protocol", protocol, "--ack", "--count", "1", "--timeout", "60");
        receiver.out().awaitContaining("Waiting for desired property patches", WAIT);
        int version = patch("telemetryInterval", 45);
        assertEquals(0, receiver.exitCode(WAIT), receiver.toString());

        assertTrue(receiver.out().toString().contains("Acknowledged $version " + version + ": telemetryInterval"),
                receiver.toString());
        Map<?, ?> acknowledgement = (Map<?, ?>) ServiceSide.reported(EMULATOR.hub(), deviceId, moduleId)
                .get("telemetryInterval");
        assertEquals(45, ((Number) acknowledgement.get("value")).intValue());
        assertEquals(200, ((Number) acknowledgement.get("ac")).intValue());
        assertEquals(version, ((Number) acknowledgement.get("av")).intValue());
        assertEquals("applied", acknowledgement.get("ad"));
    }

    @Test
    void overMqttWebSocketJsonOutputIsOneLinePerPatch() throws Exception {
        Run receiver = startReceiver("--protocol", "mqtt-ws", "-o", "json", "--count", "2", "--timeout", "60");
        receiver.err().awaitContaining("Waiting for desired property patches", WAIT);
        int first = patch("telemetryInterval", 5);
        receiver.out().awaitContaining("\"$version\":" + first, WAIT);
        int second = patch("mode", "eco");
        assertEquals(0, receiver.exitCode(WAIT), receiver.toString());

        List<JsonObject> lines = receiver.out().toString().lines().map(l -> JsonParser.parseString(l).getAsJsonObject()).toList();
        assertEquals(3, lines.size(), receiver.toString());
        assertEquals("current", lines.get(0).get("kind").getAsString());
        assertEquals("patch", lines.get(1).get("kind").getAsString());
        assertEquals(first, lines.get(1).get("$version").getAsInt());
        assertEquals(5, lines.get(1).getAsJsonObject("desired").get("telemetryInterval").getAsInt());
        assertEquals(second, lines.get(2).get("$version").getAsInt());
        assertEquals("eco", lines.get(2).getAsJsonObject("desired").get("mode").getAsString());
        assertTrue(receiver.err().toString().contains("over mqtt-ws"), receiver.toString());
    }

    @Test
    void timeoutBeforeCountExits4() throws Exception {
        Run receiver = startReceiver("--count", "2", "--timeout", "3s");
        receiver.out().awaitContaining("Waiting for desired property patches", WAIT);
        patch("telemetryInterval", 1);
        assertFailure(receiver, 4, "timed out after 3 s: 1 of 2 desired-property changes came");
        assertTrue(receiver.out().toString().contains("Desired property patch"), receiver.toString());
    }

    @Test
    void timeoutWithoutCountJustStopsListening() {
        Run receiver = startReceiver("--timeout", "1500ms");
        assertEquals(0, receiver.exitCode(WAIT), receiver.toString());
        assertTrue(receiver.out().toString().contains("Connection status: DISCONNECTED (CLIENT_CLOSE)"), receiver.toString());
    }

    @Test
    void aWrongKeyIsRefusedWithExit1AndTheKeyIsNeverPrinted() {
        String wrongKey = moduleConnectionString.replaceFirst("SharedAccessKey=.*$", "SharedAccessKey=" + BOGUS_KEY);
        Run receiver = Run.of(ReceiveTwinPatch.commandLine(new ReceiveTwinPatch()), withHub(wrongKey, EMULATOR.hub()));
        assertFailure(receiver, 1, "the hub refused the connection: unauthorized");
    }

    @Test
    void withoutTheEmulatorsCaTheTlsFailureSaysSo() {
        Run receiver = Run.of(ReceiveTwinPatch.commandLine(new ReceiveTwinPatch()), "-c", moduleConnectionString);
        assertFailure(receiver, 3, "TLS: the certificate of 127.0.0.24:8883 is not trusted: no CA the system trusts signed it");
    }

    /** A --ca-cert that did not sign the hub's certificate is named as such, over each TLS stack the SDK uses. */
    @ParameterizedTest
    @ValueSource(strings = {"mqtt", "mqtt-ws", "amqps", "amqps-ws"})
    void aCaThatDidNotSignTheHubsCertificateIsNamed(String protocol, @TempDir Path dir) throws Exception {
        Path otherCa = HubArgs.unrelatedCa("127.0.0.43", dir);
        Run receiver = Run.of(ReceiveTwinPatch.commandLine(new ReceiveTwinPatch()), "-c", moduleConnectionString,
                "--ca-cert", otherCa.toString(), "--protocol", protocol);
        int port = protocol.equals("mqtt") ? 8883 : protocol.equals("amqps") ? 5671 : 443;
        assertFailure(receiver, 3, "TLS: the certificate of 127.0.0.24:" + port + " is not trusted: the CA in " + otherCa
                + " (--ca-cert) did not sign it, nor did a CA the system trusts; pass the CA that signed it");
    }
}
