package dev.iothub.tools.updatemoduletwin;

import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static dev.iothub.tools.common.testing.ToolAssertions.assertBadInput;

import dev.iothub.tools.common.testing.Run;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input exits 2 naming the mistake before anything is sent (nothing listens at the hub's address: sending would exit 3). */
class UpdateModuleTwinBadInputTest {
    static final String KEY = BOGUS_KEY;
    static final String SERVICE = "HostName=127.0.0.49;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY;

    static Run run(String... args) {
        return Run.of(UpdateModuleTwin.commandLine(new UpdateModuleTwin()), args);
    }

    @Test
    void desiredThatIsNotAJsonObject(@TempDir Path dir) throws Exception {
        assertBadInput(run("-c", SERVICE, "--desired", "{telemetryInterval:1}"), "not valid JSON at line 1, column 3: "
                + "names and strings need double quotes, and JSON has no comments or trailing commas");
        assertBadInput(run("-c", SERVICE, "--desired", "{\"a\":1,\"b\":{\"c\":1,\"c\":2}}"),
                "the name \"c\" appears twice in one object");
        assertBadInput(run("-c", SERVICE, "--desired", "{}"), "must set at least one desired property");
        assertBadInput(run("-c", SERVICE, "--desired", "{\"a\":1"), "not valid JSON at line 1, column 7: it ends too soon");
        assertBadInput(run("-c", SERVICE, "--desired", "[1,2]"), "must be a JSON object");
        assertBadInput(run("-c", SERVICE, "--desired", "122"), "must be a JSON object");
        assertBadInput(run("-c", SERVICE, "--desired", "{\"has space\":1}"), "property name 'has space' is not allowed in a twin");
        assertBadInput(run("-c", SERVICE, "--desired", "{\"a\":{\"$b\":1}}"), "property name 'a/$b' is not allowed");
        assertBadInput(run("-c", SERVICE, "--desired", "@" + dir.resolve("missing.json")), "no such file");
        Path notJson = Files.writeString(dir.resolve("bad.json"), "telemetryInterval=5");
        assertBadInput(run("-c", SERVICE, "--desired", "@" + notJson), "not valid JSON");
    }

    /** A shell takes the double quotes of an unquoted {@code --desired {"a":1}}: the error shows what came, and how to quote. */
    @Test
    void jsonWhoseQuotesTheShellTookShowsWhatCameAndHowToQuote() {
        assertBadInput(run("-c", SERVICE, "--desired", "{a:1}"), "not valid JSON at line 1, column 3: names and strings "
                + "need double quotes, and JSON has no comments or trailing commas (the tool received {a:1}; if you typed "
                + "double quotes, the shell removed them: put single quotes around the JSON, as in --desired '{\"name\":1}')");
        assertBadInput(run("-c", SERVICE, "--desired", "{\"a\":1,}"), "(the tool received {\"a\":1,})");
    }

    /** {@code --desired @-} reads standard input, as curl's {@code -d @-}, not a file named "-". */
    @Test
    void desiredFromStandardInput() {
        assertBadInput(runWithStandardInput("[1, 2]"), "must be a JSON object");
        assertBadInput(runWithStandardInput(""), "Invalid value for option '--desired': standard input was empty");
    }

    @Test
    void anEmptyFileIsSaidToBeEmpty(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("patch.json"), "\n");
        assertBadInput(run("-c", SERVICE, "--desired", "@" + empty), empty + " was empty");
    }

    private static Run runWithStandardInput(String text) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        try {
            return run("-c", SERVICE, "--desired", "@-");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void showChangesNothingSoItTakesNoPatchOptions() {
        for (String[] option : new String[][] {{"--desired", "{\"a\":1}"}, {"--force"}, {"--etag", "x"},
                {"--retry-on-conflict", "1"}}) {
            String[] args = new String[option.length + 3];
            args[0] = "-c";
            args[1] = SERVICE;
            args[2] = "--show";
            System.arraycopy(option, 0, args, 3, option.length);
            assertBadInput(run(args), "--show reads the twin and changes nothing: it takes no " + option[0]);
        }
    }

    @Test
    void conflictingConcurrencyOptions() {
        assertBadInput(run("-c", SERVICE, "--force", "--etag", "AAAAAAAAAAE="), "--force and --etag exclude each other");
        assertBadInput(run("-c", SERVICE, "--retry-on-conflict", "2", "--force"), "cannot be combined with --etag or --force");
        assertBadInput(run("-c", SERVICE, "--retry-on-conflict", "-1"), "must be 0 or more");
        assertBadInput(run("-c", SERVICE, "--retry-on-conflict", "many"), "'many' is not an int");
    }

    @Test
    void badConnectionStringAndIds() {
        assertBadInput(run("-c", "HostName=127.0.0.49;DeviceId=d;ModuleId=m;SharedAccessKey=" + KEY),
                "this is a device or module connection string");
        assertBadInput(run("-c", "HostName=127.0.0.49;SharedAccessKeyName=iothubowner;SharedAccessKey=%%%"),
                "not a valid base64 key");
        assertBadInput(run("-c", SERVICE, "--module-id", "a/b"), "Invalid value for option '--module-id': the id 'a/b' is "
                + "not a valid IoT Hub id: IoT Hub allows ASCII letters, digits and - . + % _ # * ? ! ( ) , : = @ $ ' only");
    }
}
