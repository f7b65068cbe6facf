package dev.iothub.tools.common.testing;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * What a tool printed to one stream, readable while the tool still runs: tests wait for a line
 * with {@link #await} (woken by every write, no polling) instead of sleeping.
 */
public final class Output extends Writer {
    /** How long a test waits for a tool's line or exit: generous, as a loaded CI machine can be slow. */
    public static final Duration WAIT = Duration.ofSeconds(60);

    private final StringBuilder text = new StringBuilder();

    public PrintWriter printWriter() {
        return new PrintWriter(this, true);
    }

    @Override
    public synchronized void write(char[] buffer, int offset, int length) {
        text.append(buffer, offset, length);
        notifyAll();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
    }

    @Override
    public synchronized String toString() {
        return text.toString();
    }

    /** Waits until a complete line matches, and returns it; fails the test with everything printed so far if none does in time. */
    public synchronized String await(Predicate<String> line, Duration timeout, String description) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String[] lines = text.toString().split("\n", -1);
            for (int i = 0; i < lines.length - 1; i++) {
                if (line.test(lines[i])) {
                    return lines[i];
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no line " + description + " within " + timeout + "; printed:\n" + text);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    public String awaitContaining(String fragment, Duration timeout) throws InterruptedException {
        return await(l -> l.contains(fragment), timeout, "containing '" + fragment + "'");
    }
}
