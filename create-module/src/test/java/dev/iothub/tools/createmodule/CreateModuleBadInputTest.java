package dev.iothub.tools.createmodule;

import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static dev.iothub.tools.common.testing.ToolAssertions.assertBadInput;
import static dev.iothub.tools.common.testing.ToolAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iothub.tools.common.testing.Run;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input exits 2 with one line naming the mistake, before anything is sent. The hub address is
 * one where nothing listens: had the tool sent anything it would have exited 3, not 2.
 */
class CreateModuleBadInputTest {
    static final String KEY = BOGUS_KEY;
    static final String SERVICE = "HostName=127.0.0.49;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY;

    static Run run(String... args) {
        return Run.of(CreateModule.commandLine(new CreateModule()), args);
    }

    @Test
    void noConnectionString() {
        assumeTrue(System.getenv("IOTHUB_CONNECTION_STRING") == null);
        assertBadInput(run(), "no connection string: pass -c/--connection-string or set IOTHUB_CONNECTION_STRING");
    }

    @Test
    void connectionStringWithoutHostName() {
        assertBadInput(run("-c", "SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY), "has no HostName");
    }

    @Test
    void keyThatIsNotBase64() {
        assertBadInput(run("-c", "HostName=127.0.0.49;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY + "!!"),
                "SharedAccessKey is not a valid base64 key");
    }

    @Test
    void moduleConnectionStringGivenToAServiceTool() {
        assertBadInput(run("-c", "HostName=127.0.0.49;DeviceId=d;ModuleId=m;SharedAccessKey=" + KEY),
                "this is a device or module connection string");
    }

    @Test
    void invalidDeviceAndModuleIds() {
        assertBadInput(run("-c", SERVICE, "--device-id", "my device"), "Invalid value for option '--device-id': the id "
                + "'my device' is not a valid IoT Hub id: use ASCII letters, digits and - . + _ * ! ( ) , : = @ $ ' only "
                + "(IoT Hub also allows % # ?, which create-module cannot send)");
        assertBadInput(run("-c", SERVICE, "--module-id", "m".repeat(129)), "IoT Hub allows at most 128");
        assertBadInput(run("-c", SERVICE, "--device-id", ""), "is empty");
    }

    /** IoT Hub allows these, but the service SDK would send them in URLs unencoded, and in the body: refused before sending. */
    @Test
    void idsTheServiceSdkCannotCreate() {
        assertBadInput(run("-c", SERVICE, "--device-id", "x%y"), "the id 'x%y' has a '%': IoT Hub allows it, but the "
                + "Azure IoT service SDK that create-module uses cannot send it (it puts the id into the URL unencoded); "
                + "create this identity with the Azure CLI or the REST API; update-module-twin takes it");
        assertBadInput(run("-c", SERVICE, "--device-id", "x#y"), "has a '#'");
        assertBadInput(run("-c", SERVICE, "--module-id", "m?1"), "has a '?'");
    }

    @Test
    void caCertificateThatIsMissingOrNotPem(@TempDir Path dir) throws Exception {
        assertBadInput(run("-c", SERVICE, "--ca-cert", dir.resolve("missing.pem").toString()), "no such file");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");
        assertBadInput(run("-c", SERVICE, "--ca-cert", notPem.toString()), "not.pem");
    }

    @Test
    void unknownOptionAndOutputFormat() {
        assertBadInput(run("-c", SERVICE, "--colour"), "Unknown option: '--colour'");
        assertBadInput(run("-c", SERVICE, "-o", "yaml"), "Invalid value for option '--output'");
    }

    /** No one listens on 127.0.0.42 (this class's address, with no emulator): the error names the address and port. */
    @Test
    void unreachableHubExits3NamingTheAddressAndWhatToCheck() {
        assertFailure(run("-c", SERVICE.replace("127.0.0.49", "127.0.0.42")), 3,
                "could not reach the hub: 127.0.0.42:443 refused the connection; is the hub (or hub-emulator) running there?");
        assertFailure(run("-c", SERVICE.replace("127.0.0.49", "no-such-hub.invalid")), 3,
                "could not reach the hub: unknown host no-such-hub.invalid (the name does not resolve); check HostName in "
                        + "the connection string");
    }

    /**
     * A socket listening at 127.0.0.44:443 that never accepts: the kernel takes the connection, no one answers the
     * TLS hello, and the service SDK gives up after its time-outs (about 50 s in all). The error names the address.
     */
    @Test
    @SuppressWarnings("try") // the socket does its work by being open: listening, never accepting
    void aHubThatNeverAnswersIsATimeOutNamingTheAddress() throws Exception {
        try (ServerSocket silent = new ServerSocket(443, 50, InetAddress.getByName("127.0.0.44"))) {
            assertFailure(run("-c", SERVICE.replace("127.0.0.49", "127.0.0.44")), 3,
                    "could not reach the hub: 127.0.0.44:443 did not answer in time; check the host name, and that no "
                            + "firewall or proxy drops port 443");
        }
    }

    @Test
    void aMistypedOptionGetsASuggestion() {
        assertBadInput(run("-c", SERVICE, "--devce-id=d"), "Unknown option: '--devce-id=d'; did you mean --device-id");
    }

    @Test
    void helpListsTheExitCodes() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().toString().contains("Exit codes:"), run.out().toString());
        assertTrue(run.out().toString().contains("3   The hub could not be reached"), run.out().toString());
    }
}
