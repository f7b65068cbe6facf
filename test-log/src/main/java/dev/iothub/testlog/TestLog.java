package dev.iothub.testlog;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.opentest4j.TestAbortedException;

/**
 * Holds what each test writes to the console (its own lines, the emulator's and the SDKs' log, a child
 * process's output it prints) and shows it only if the test fails, so that a passing build reads as passing:
 * the SDKs log the failures tests provoke on purpose as errors, with stack traces. What a class writes outside
 * its tests (starting its emulator, say) shows if the class itself fails. {@code -Dtest.log=all} turns it
 * off: every test's log on the console, as it is written.
 *
 * <p>Registered for every test by JUnit's extension auto-detection (META-INF/services), which the parent pom
 * turns on for surefire and failsafe. Registered first, it opens its capture before any other extension's
 * callbacks and closes it after them all.
 */
public final class TestLog implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private static final boolean SHOW_ALL = "all".equals(System.getProperty("test.log"));
    private static final Namespace NAMESPACE = Namespace.create(TestLog.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        open(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        open(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close(context);
    }

    private static void open(ExtensionContext context) {
        if (!SHOW_ALL) {
            Console.install();
            context.getStore(NAMESPACE).put(Console.Capture.class, Console.open());
        }
    }

    private static void close(ExtensionContext context) {
        Console.Capture capture = context.getStore(NAMESPACE).remove(Console.Capture.class, Console.Capture.class);
        if (capture == null) {
            return;
        }
        String log = capture.close();
        boolean failed = context.getExecutionException()
                .filter(failure -> !(failure instanceof TestAbortedException)).isPresent();
        if (failed && !log.isEmpty()) {
            Console.show("the log of " + name(context) + ", which failed", log);
        }
    }

    private static String name(ExtensionContext context) {
        String className = context.getRequiredTestClass().getName();
        return context.getTestMethod().isPresent() ? className + " " + context.getDisplayName() : className;
    }
}
