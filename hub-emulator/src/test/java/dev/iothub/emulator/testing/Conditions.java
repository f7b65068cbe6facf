package dev.iothub.emulator.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Waiting for something the emulator does on its own time, such as noticing that a client went away. */
public final class Conditions {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 10;

    private Conditions() {
    }

    /** Returns once {@code condition} holds; fails saying {@code what} if it does not within 10 s. */
    public static void await(String what, Callable<Boolean> condition) throws Exception {
        await(what, TIMEOUT, condition);
    }

    /** Returns once {@code condition} holds; fails saying {@code what} if it does not within {@code timeout}. */
    public static void await(String what, Duration timeout, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
