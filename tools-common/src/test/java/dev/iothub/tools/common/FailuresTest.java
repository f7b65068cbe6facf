package dev.iothub.tools.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.tools.common.testing.Run;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.util.concurrent.Callable;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** How any failure becomes one line and an exit code, whatever tool it comes from. */
class FailuresTest {
    static final String KEY = "c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLWV2ZXItc2VlLTAy";

    @Command(name = "tool")
    static final class Throwing implements Callable<Integer> {
        final Exception error;

        @Option(names = "--verbose")
        boolean verbose;

        Throwing(Exception error) {
            this.error = error;
        }

        @Override
        public Integer call() throws Exception {
            throw error;
        }
    }

    static Run run(Exception error, String... args) {
        return Run.of(Tools.commandLine(new Throwing(error)), args);
    }

    static void assertOneLine(Run run, int exitCode, String expected) {
        assertEquals(exitCode, run.exitCode(), run.toString());
        String err = run.err().toString();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("tool: ") && err.contains(expected), err);
    }

    @Test
    void eachKindOfFailureHasItsExitCode() {
        assertOneLine(run(new ToolFailure(4, "timed out")), 4, "timed out");
        assertOneLine(run(new ConnectException("Connection refused")), 3,
                "could not reach the hub: the hub refused the connection; is the hub (or hub-emulator) running there?");
        assertOneLine(run(new UnknownHostException("myhub.azure-devices.net")), 3, "unknown host myhub.azure-devices.net");
        assertOneLine(run(new SocketTimeoutException("Read timed out")), 3, "the hub did not answer in time");
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertPathBuilderException("unable to find valid certification path"));
        assertOneLine(run(untrusted), 3, "pass that CA with --ca-cert FILE");
        assertOneLine(run(new IllegalStateException("a bug")), 5, "unexpected error: java.lang.IllegalStateException: a bug");
    }

    @Test
    void messagesLoseKeysAndLineBreaksAndStackTracesNeedVerbose() {
        Exception leaky = new IllegalStateException("failed for HostName=h;SharedAccessKey=" + KEY + "\nsecond line");
        Run quiet = run(leaky);
        assertOneLine(quiet, 5, "SharedAccessKey=<redacted> second line");
        assertFalse(quiet.err().toString().contains(KEY));

        Run verbose = run(leaky, "--verbose");
        assertTrue(verbose.err().toString().contains("at dev.iothub.tools.common.FailuresTest"), verbose.toString());
        assertFalse(verbose.err().toString().contains(KEY), verbose.toString());
    }

    @Test
    void usageErrorsAreOneLineWithExit2() {
        Run run = run(new IllegalStateException("not reached"), "--no-such-option");
        assertOneLine(run, 2, "Unknown option: '--no-such-option' (see 'tool --help')");
    }

    @Test
    void aMistypedOptionGetsPicocliSuggestionOnTheSameLine() {
        Run run = run(new IllegalStateException("not reached"), "--verbos");
        assertOneLine(run, 2, "Unknown option: '--verbos'; did you mean --verbose? (see 'tool --help')");
    }
}
