package dev.iothub.tools.receivetwinpatch;

import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static dev.iothub.tools.common.testing.ToolAssertions.assertBadInput;
import static dev.iothub.tools.common.testing.ToolAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iothub.tools.common.testing.Run;
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
        assertBadInput(run("-c", MODULE, "--timeout", "0"), "--timeout must be 1 second or more");
        assertBadInput(run("-c", MODULE, "--timeout", "soon"), "'soon' is not an int");
        assertBadInput(run("-c", MODULE, "--retry-for", "0"), "--retry-for takes a number of seconds (1 or more) or 'forever', not '0'");
        assertBadInput(run("-c", MODULE, "--retry-for", "always"), "not 'always'");
    }

    @Test
    void unreachableHubExits3OverEveryProtocol() {
        for (String protocol : new String[] {"mqtt", "mqtt-ws", "amqps", "amqps-ws"}) {
            Run run = run("-c", MODULE, "--protocol", protocol, "--timeout", "30");
            assertFailure(run, 3, "could not reach the hub: IO_ERROR (");
            assertTrue(run.err().toString().contains("Connection refused"), run.toString());
            assertTrue(run.out().toString().contains("over " + protocol + "..."), run.toString());
        }
    }
}
