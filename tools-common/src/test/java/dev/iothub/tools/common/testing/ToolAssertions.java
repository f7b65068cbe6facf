package dev.iothub.tools.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every tool promises about its errors. */
public final class ToolAssertions {
    /** A well-formed key that no hub knows: tests check that it is never printed. */
    public static final String BOGUS_KEY = "Ym9ndXMta2V5LXRoYXQtbXVzdC1uZXZlci1iZS1wcmludGVkLTEyMw==";

    private ToolAssertions() {
    }

    /** Exit 2, nothing on stdout, one line on stderr naming the mistake, and no key. */
    public static void assertBadInput(Run run, String expected) {
        assertFailure(run, 2, expected);
        assertEquals("", run.out().toString(), run.toString());
    }

    /** The exit code, and one line on stderr that starts with the tool's name and says {@code expected}; no key anywhere. */
    public static void assertFailure(Run run, int exitCode, String expected) {
        assertEquals(exitCode, run.exitCode(), run.toString());
        String err = run.err().toString();
        String errorLine = err.lines().filter(line -> line.startsWith(run.tool() + ": ")).reduce((a, b) -> b).orElse("");
        assertTrue(errorLine.contains(expected), "expected an error line with '" + expected + "'\n" + run);
        assertEquals(1, err.lines().filter(line -> line.startsWith(run.tool() + ": ")).count(), run.toString());
        assertFalse(run.toString().contains(BOGUS_KEY), run.toString());
    }
}
