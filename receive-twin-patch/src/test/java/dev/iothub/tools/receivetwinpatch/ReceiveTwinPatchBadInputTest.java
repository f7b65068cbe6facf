package dev.iothub.tools.receivetwinpatch;

import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static dev.iothub.tools.common.testing.ToolAssertions.assertBadInput;
import static dev.iothub.tools.common.testing.ToolAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iothub.tools.common.testing.Run;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad input exits 2 naming the mistake before anything is sent (nothing listens at the hub's address: sending would exit 3). */
class ReceiveTwinPatchBadInputTest {
    static final String KEY = BOGUS_KEY;
    static final String MODULE = "HostName=127.0.0.49;DeviceId=myFirstDevice;ModuleId=myFirstModule;SharedAccessKey=" + KEY;

    static Run run(String... args) {
        return Run.of(ReceiveTwinPatch.commandLine(new ReceiveTwinPatch()), args);
    }

    @Test
    void noConnectionString() {
        assumeTrue(System.getenv("IOTHUB_MODULE_CONNECTION_STRING") == null);
        assertBadInput(run(), "no connection string: pass -c/--connection-string or set IOTHUB_MODULE_CONNECTION_STRING");
    }

    @Test
    void serviceConnectionStringGivenToTheReceiver() {
        assertBadInput(run("-c", "HostName=127.0.0.49;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY),
                "this is a service connection string (it has SharedAccessKeyName)");
    }

    @Test
    void deviceConnectionStringWithoutModuleId() {
        assertBadInput(run("-c", "HostName=127.0.0.49;DeviceId=myFirstDevice;SharedAccessKey=" + KEY),
                "this looks like a device connection string");
    }

    @Test
    void hostNameTheDeviceSdkRefuses() {
        assertBadInput(run("-c", "HostName=localhost;DeviceId=d;ModuleId=m;SharedAccessKey=" + KEY), "has no '.'");
    }

    @Test
    void badKeyAndIds() {
        assertBadInput(run("-c", "HostName=127.0.0.49;DeviceId=d;ModuleId=m;SharedAccessKey=***"), "not a valid base64 key");
        assertBadInput(run("-c", "HostName=127.0.0.49;DeviceId=d d;ModuleId=m;SharedAccessKey=" + KEY), "not a valid IoT Hub id");
    }

    @Test
    void badProtocolCountAndTimeout() {
        assertBadInput(run("-c", MODULE, "--protocol", "http"), "'http' is not one of mqtt, mqtt-ws, amqps, amqps-ws");
        assertBadInput(run("-c", MODULE, "--count", "0"), "--count must be 1 or more");
        assertBadInput(run("-c", MODULE, "--timeout", "0"), "'0' is no time at all: give more than 0");
        assertBadInput(run("-c", MODULE, "--timeout", "soon"), "'soon' is not a duration: give seconds (30) or a number "
                + "with a unit, ms, s, m or h (500ms, 5s, 2m, 1h)");
        assertBadInput(run("-c", MODULE, "--retry-for", "0"), "'0' is no time at all");
        assertBadInput(run("-c", MODULE, "--retry-for", "always"), "'always' is not a duration: give seconds (30) or a "
                + "number with a unit, ms, s, m or h (500ms, 5s, 2m, 1h), or forever");
    }

    /**
     * No one listens on 127.0.0.42 (this class's address, with no emulator): over every protocol, the error names the
     * address and the port that protocol uses.
     */
    @Test
    void unreachableHubExits3NamingTheAddressAndPortOverEveryProtocol() {
        Map<String, Integer> ports = Map.of("mqtt", 8883, "mqtt-ws", 443, "amqps", 5671, "amqps-ws", 443);
        ports.forEach((protocol, port) -> {
            Run run = run("-c", MODULE.replace("127.0.0.49", "127.0.0.42"), "--protocol", protocol, "--timeout", "30");
            assertFailure(run, 3, "could not reach the hub: 127.0.0.42:" + port + " refused the connection; is the hub "
                    + "(or hub-emulator) running there?");
            assertTrue(run.out().toString().contains("over " + protocol + "..."), run.toString());
        });
    }

    /** With a GatewayHostName (an IoT Edge gateway), the device SDK connects there: the error names the gateway. */
    @Test
    void unreachableGatewayIsNamedRatherThanTheHub() {
        Run run = run("-c", MODULE.replace("127.0.0.49", "myhub.azure-devices.net") + ";GatewayHostName=127.0.0.42");
        assertFailure(run, 3, "could not reach the hub: 127.0.0.42:8883 refused the connection");
    }

    /** A host name that does not resolve is named, over MQTT (the JDK's error) and AMQP (Proton-J's, without a message). */
    @Test
    void unknownHostIsNamedOverMqttAndAmqp() {
        for (String protocol : new String[] {"mqtt", "amqps"}) {
            Run run = run("-c", MODULE.replace("127.0.0.49", "no-such-hub.invalid"), "--protocol", protocol);
            assertFailure(run, 3, "could not reach the hub: unknown host no-such-hub.invalid (the name does not resolve)");
        }
    }

    @Test
    void aMistypedOptionGetsASuggestion() {
        assertBadInput(run("-c", MODULE, "--protocl=mqtt"), "Unknown option: '--protocl=mqtt'; did you mean --protocol");
    }
}
