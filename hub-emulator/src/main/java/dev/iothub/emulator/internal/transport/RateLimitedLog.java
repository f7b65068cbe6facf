package dev.iothub.emulator.internal.transport;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * One log line per interval for a cause that can repeat thousands of times a second (a refused connection,
 * a failed accept), with the count of those it did not log: never a flood.
 */
final class RateLimitedLog {
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(Logger log) {
        this.log = log;
    }

    /** Logs {@code message} as a warning unless one was logged less than 10 s ago. */
    void warn(String message) {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + INTERVAL_NANOS)) {
            long skipped = suppressed.getAndSet(0);
            log.warn(skipped == 0 ? message : message + " (and " + skipped + " more like it in the last 10 s)");
        } else {
            suppressed.incrementAndGet();
        }
    }
}
