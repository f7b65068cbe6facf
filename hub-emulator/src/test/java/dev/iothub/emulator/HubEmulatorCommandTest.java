package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's promises that need no running emulator of its own. */
class HubEmulatorCommandTest {

    @Test
    void aTakenPortIsOneLineThatSaysWhatToDo() throws Exception {
        try (HubEmulator running = HubEmulator.builder().address("127.0.0.9").start()) {
            StringWriter err = new StringWriter();
            CommandLine command = HubEmulatorCommand.commandLine();
            command.setErr(new PrintWriter(err));

            int exitCode = command.execute("--address", running.hostName(), "--in-memory");

            assertEquals(1, exitCode);
            String message = err.toString().strip();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("hub-emulator: Cannot listen on 127.0.0.9:443: the port is in use"), message);
            assertTrue(message.contains("--address"), message);
        }
    }

    /** A data directory whose store lost its end refuses to start, keeps its keys, and says what to do. */
    @Test
    void aTruncatedStoreRefusesToStartInOneLine(@TempDir Path data) throws Exception {
        String key;
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.9").dataDirectory(data).start()) {
            key = hub.serviceConnectionString();
        }
        Path file = data.resolve("hub.mv.db");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() * 99 / 100);
        }
        StringWriter err = new StringWriter();
        CommandLine command = HubEmulatorCommand.commandLine();
        command.setErr(new PrintWriter(err));

        assertEquals(1, command.execute("--address", "127.0.0.9", "--data-dir", data.toString()));

        String message = err.toString().strip();
        assertEquals(1, message.lines().count(), message);
        assertTrue(message.startsWith("hub-emulator: " + file + " is damaged"), message);
        assertTrue(message.contains("restore it from a backup"), message);
        assertEquals(key, Files.readString(data.resolve("connection-strings").resolve("iothubowner")).strip(),
                "the keys scripts know are kept");
    }

    @Test
    void anAddressThatIsNotOursIsOneLine() {
        StringWriter err = new StringWriter();
        CommandLine command = HubEmulatorCommand.commandLine();
        command.setErr(new PrintWriter(err));

        int exitCode = command.execute("--address", "192.0.2.1", "--in-memory");

        assertEquals(1, exitCode);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("Cannot listen on 192.0.2.1:443: it is not an address of this machine"),
                err.toString());
        assertFalse(err.toString().contains("in use"), err.toString());
        assertFalse(err.toString().contains("\tat "), "no stack trace without --verbose");
    }

    @Test
    void aConnectionLimitBelowOneIsBadUsage() {
        assertBadUsage("hub-emulator: --max-connections must be at least 1, not 0 (see 'hub-emulator --help')",
                "--max-connections", "0", "--in-memory");
    }

    @Test
    void aPartitionCountOutOfTheHubsRangeIsBadUsage() {
        assertBadUsage("hub-emulator: --partitions must be from 2 to 128, not 129 (see 'hub-emulator --help')",
                "--partitions", "129", "--in-memory");
    }

    @Test
    void aConsumerGroupNameAzureDoesNotAllowIsBadUsage() {
        assertBadUsage("hub-emulator: --consumer-group: a consumer group's name has 1 to 50 letters, digits, '.', '-'"
                + " or '_', not 'my group' (see 'hub-emulator --help')", "--consumer-group", "ok", "--consumer-group",
                "my group", "--in-memory");
    }

    @Test
    void aRouteFromASourceTheHubDoesNotHaveIsBadUsage() {
        assertBadUsage("hub-emulator: --route: a route's source is one of DeviceMessages, TwinChangeEvents, "
                + "DeviceLifecycleEvents, DeviceConnectionStateEvents, not 'TwinChanges' (see 'hub-emulator --help')",
                "--route", "twinchangeevents", "--route", "TwinChanges", "--in-memory");
    }

    /** --address takes an IP address; a host name is bad usage, with the option that takes one named. */
    @Test
    void aHostNameForTheAddressIsBadUsage() {
        assertBadUsage("hub-emulator: --address takes an IP address such as 127.0.0.1, not 'localhost'; --hostname "
                + "adds a host name (see 'hub-emulator --help')", "--address", "localhost", "--in-memory");
    }

    @Test
    void anUnknownOptionIsBadUsage() {
        assertBadUsage("hub-emulator: Unknown option: '--in-memroy'; did you mean --in-memory? (see 'hub-emulator --help')",
                "--in-memroy");
    }

    @Test
    void anUnknownPolicyIsBadUsageOfTheSubcommand(@TempDir Path data) {
        assertBadUsage("hub-emulator: --policy is one of iothubowner, service, device, registryRead, "
                + "registryReadWrite, not 'owner' (see 'hub-emulator connection-string --help')",
                "connection-string", "--policy", "owner", "--data-dir", data.toString());
    }

    /** Bad usage is one line, as the tools print it, with no help after it: exit 2, the code --help lists. */
    private static void assertBadUsage(String line, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = HubEmulatorCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));

        assertEquals(2, command.execute(args), err.toString());
        assertEquals(line, err.toString().strip());
        assertEquals("", out.toString());
    }

    /** Scripts ask for a policy's connection string instead of scraping the banner. */
    @Test
    void connectionStringPrintsAPolicysFromTheDataDirectory(@TempDir Path data) throws Exception {
        String service;
        String eventHub;
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.9").dataDirectory(data).start()) {
            service = hub.connectionString("service");
            eventHub = hub.eventHubConnectionString();
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = HubEmulatorCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));

        assertEquals(0, command.execute("connection-string", "--policy", "service", "--data-dir", data.toString()));
        assertEquals(service, out.toString().strip());
        out.getBuffer().setLength(0);
        assertEquals(0, command.execute("connection-string", "--eventhub", "--data-dir", data.toString()));
        assertEquals(eventHub, out.toString().strip());
        assertTrue(eventHub.matches("Endpoint=sb://127\\.0\\.0\\.9/;SharedAccessKeyName=iothubowner;"
                + "SharedAccessKey=[A-Za-z0-9+/]{43}=;EntityPath=hub-emulator"), eventHub);
        assertEquals(2, command.execute("connection-string", "--eventhub", "--policy", "registryRead",
                "--data-dir", data.toString()));
        assertTrue(err.toString().contains("the policy registryRead cannot read the built-in endpoint: it lacks "
                + "ServiceConnect"), err.toString());

        assertEquals(1, command.execute("connection-string", "--data-dir", data.resolve("never").toString()));
        assertTrue(err.toString().contains("no hub-emulator has run with --data-dir " + data.resolve("never")),
                err.toString());
    }

    /** As Azurite's well-known account key: one development connection string that scripts can hard-code. */
    @Test
    void wellKnownKeysAreTheSameOnEveryStart() throws Exception {
        for (int start = 0; start < 2; start++) {
            try (HubEmulator hub = HubEmulator.builder().address("127.0.0.9").wellKnownKeys().start()) {
                assertEquals("HostName=127.0.0.9;SharedAccessKeyName=iothubowner;SharedAccessKey="
                        + WELL_KNOWN_OWNER_KEY, hub.serviceConnectionString());
            }
        }
    }

    @Test
    void wellKnownKeysWithADataDirectoryIsBadUsage() {
        assertBadUsage("hub-emulator: --well-known-keys is for --in-memory runs: a data directory keeps the keys it "
                + "made (see 'hub-emulator --help')", "--well-known-keys", "--data-dir", "/tmp/whatever");
    }

    /** The key README gives for iothubowner with --well-known-keys. */
    private static final String WELL_KNOWN_OWNER_KEY = "AgRshJQLShNZ0+3T3GmAhYdmkBMwo7CFkTJh05KoAqw=";

    @Test
    void helpListsTheOptionsAndExitCodes() {
        StringWriter out = new StringWriter();
        CommandLine command = HubEmulatorCommand.commandLine();
        command.setOut(new PrintWriter(out));

        assertEquals(0, command.execute("--help"));
        for (String expected : new String[] {"--address", "--data-dir", "--in-memory", "--hostname", "--max-connections",
                "--partitions", "--consumer-group", "--route", "--[no-]fallback-route", "Exit codes"}) {
            assertTrue(out.toString().contains(expected), expected);
        }
    }
}
