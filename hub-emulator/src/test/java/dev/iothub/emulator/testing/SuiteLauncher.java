package dev.iothub.emulator.testing;

import static org.junit.platform.engine.discovery.ClassNameFilter.includeClassNamePatterns;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import java.io.PrintWriter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * {@code java -cp <test classpath> dev.iothub.emulator.testing.SuiteLauncher <package>}: runs the package's
 * *Test classes in this JVM, with the environment it was given, as Maven would. It prints every test that was
 * skipped and why, then the summary and the failures; it exits 0 only if tests ran and none failed.
 */
public final class SuiteLauncher {
    private SuiteLauncher() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(
                request().selectors(selectPackage(args[0])).filters(includeClassNamePatterns(".*Test")).build(),
                summary, new SkipReporter(out));
        TestExecutionSummary result = summary.getSummary();
        result.printTo(out);
        result.printFailuresTo(out, 30);
        System.exit(result.getTotalFailureCount() == 0 && result.getTestsSucceededCount() > 0 ? 0 : 1);
    }

    /** One line per skipped or aborted (assumption failed) test: {@code SKIPPED <test>: <reason>}. */
    private record SkipReporter(PrintWriter out) implements TestExecutionListener {
        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            out.println("SKIPPED " + name(test) + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                out.println("SKIPPED " + name(test) + ": "
                        + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
            }
        }

        /** {@code Class.method()}, and the arguments' display name for a parameterised test. */
        private static String name(TestIdentifier test) {
            return test.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(method -> {
                        String name = method.getJavaClass().getSimpleName() + "." + method.getMethodName() + "()";
                        boolean plain = test.getDisplayName().equals(method.getMethodName() + "()");
                        return plain ? name : name + " [" + test.getDisplayName() + "]";
                    })
                    .orElse(test.getDisplayName());
        }
    }
}
