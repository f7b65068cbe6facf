package dev.iothub.emulator.internal.logging;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * The log of one cause that a client can repeat thousands of times a second (a refused connection, link or
 * put-token, a failed accept, a write refused on a full disk): one line per 10 s at most, the next one saying how
 * many were not logged, so that no client can fill a disk with the emulator's log. Each cause has its own.
 */
public final class RateLimitedLog {
    private static final long INTERVAL_NANOS = 10_000_000_000L;

    private final Logger log;
    private final AtomicLong next = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log) {
        this.log = log;
    }

    /** Logs at INFO, in slf4j's {@code {}} format, unless this cause was logged less than 10 s ago. */
    public void info(String format, Object... arguments) {
        long skipped = skippedIfDue();
        if (skipped >= 0) {
            log.info(format + suffix(skipped), arguments);
        }
    }

    /** Logs at WARN, in slf4j's {@code {}} format, unless this cause was logged less than 10 s ago. */
    public void warn(String format, Object... arguments) {
        long skipped = skippedIfDue();
        if (skipped >= 0) {
            log.warn(format + suffix(skipped), arguments);
        }
    }

    /** How many lines were not logged since the last one, if a line is due now; -1 (and one more counted) if not. */
    private long skippedIfDue() {
        long now = System.nanoTime();
        long due = next.get();
        if (now - due >= 0 && next.compareAndSet(due, now + INTERVAL_NANOS)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }

    private static String suffix(long skipped) {
        return skipped == 0 ? "" : " (and " + skipped + " more like it in the last 10 s)";
    }
}
