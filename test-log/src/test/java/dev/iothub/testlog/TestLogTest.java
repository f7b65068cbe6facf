package dev.iothub.testlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * TestLog around two test classes, on a console of this test's: the passing test's log stays out of it, the
 * failing test's log shows, with what it wrote through System.out, System.err and java.util.logging.
 */
class TestLogTest {

    @Test
    void onlyAFailingTestsLogReachesTheConsole() {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try {
            System.setOut(new PrintStream(console, true, Charset.defaultCharset()));
            System.setErr(System.out);
            LauncherFactory.create().execute(request().selectors(selectClass(Quiet.class)).build(), summary);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }

        String shown = console.toString(Charset.defaultCharset());
        assertEquals(1, summary.getSummary().getTestsFailedCount(), shown);
        assertFalse(shown.contains("passing"), shown);
        assertTrue(shown.contains("---- the log of " + Quiet.class.getName() + " failing(), which failed ----"),
                shown);
        assertTrue(shown.contains("failing: out"), shown);
        assertTrue(shown.contains("failing: err"), shown);
        assertTrue(shown.contains("failing: java.util.logging"), shown);
    }

    /** Run by the test above only (surefire leaves nested classes alone). */
    @ExtendWith(TestLog.class)
    static class Quiet {
        @Test
        void passing() {
            log("passing");
        }

        @Test
        void failing() {
            log("failing");
            throw new AssertionError("failing on purpose");
        }

        private static void log(String test) {
            System.out.println(test + ": out");
            System.err.println(test + ": err");
            Logger.getLogger(Quiet.class.getName()).warning(test + ": java.util.logging");
        }
    }
}
