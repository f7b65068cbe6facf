package dev.iothub.emulator.testing;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * How many objects of a class are still reachable in this JVM, from the JVM's own class histogram (the one
 * {@code jcmd GC.class_histogram} prints, taken after a full collection): what an emulator in the test's JVM
 * keeps for clients that have left.
 */
public final class LiveObjects {
    private LiveObjects() {
    }

    /**
     * Returns once at most {@code max} objects of {@code className} are live; fails with how many still are if
     * that does not happen within {@code timeout}.
     */
    public static void awaitAtMost(long max, String className, String why, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (long live = count(className); live > max; live = count(className)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(why + ": " + live + " " + className + " still live after "
                        + timeout.toSeconds() + " s, at most " + max + " expected");
            }
            Thread.sleep(100); // each count is a full collection
        }
    }

    public static long count(String className) {
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("this JVM gives no class histogram", e);
        }
        // rows read "  12:     345     6789  a.b.C (java.base@17)": rank, instances, bytes, class
        for (String line : histogram.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[3].equals(className)) {
                return Long.parseLong(columns[1]);
            }
        }
        return 0;
    }
}
