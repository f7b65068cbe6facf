package dev.iothub.emulator.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What an emulator of the test's own logs (slf4j-simple writes to System.err) from {@link #capture} to
 * {@link #close}; lines written on the emulator's threads are awaited, not assumed.
 */
public final class EmulatorLog implements AutoCloseable {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream previous = System.err;

    private EmulatorLog() {
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    public static EmulatorLog capture() {
        return new EmulatorLog();
    }

    /** What was logged so far. */
    public String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until the log contains {@code text}, and answers the log. */
    public String await(String text) throws Exception {
        Conditions.await("the emulator to log \"" + text + "\"", () -> text().contains(text));
        return text();
    }

    @Override
    public void close() {
        System.setErr(previous);
    }
}
