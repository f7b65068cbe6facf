package dev.iothub.testlog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Logger;

/**
 * The test JVM's console: System.out, System.err (where slf4j-simple writes) and java.util.logging's console
 * handler (Proton-J's log) all write into the innermost open {@link Capture}, or, with none open, where they
 * wrote before (surefire's streams). A JVM runs its tests one at a time (the build turns on no parallel
 * execution), so the captures open and close as a stack: a class's, then each of its tests'.
 */
final class Console {
    private static final Charset CHARSET = Charset.defaultCharset();
    private static PrintStream original;
    private static volatile Capture innermost;

    private Console() {
    }

    /** Puts the switches in place, once per JVM. */
    static synchronized void install() {
        if (original != null) {
            return;
        }
        original = System.out;
        System.setOut(new PrintStream(new Switch(System.out), true, CHARSET));
        System.setErr(new PrintStream(new Switch(System.err), true, CHARSET));
        // The root's console handler took System.err when it was made, most likely before this ran (JUnit logs
        // through java.util.logging): one made now writes to the switch.
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            if (handler instanceof ConsoleHandler) {
                ConsoleHandler switched = new ConsoleHandler();
                switched.setLevel(handler.getLevel());
                switched.setFormatter(handler.getFormatter());
                root.removeHandler(handler);
                root.addHandler(switched);
            }
        }
    }

    /** From now until it is closed, what is written to the console goes into the capture. */
    static Capture open() {
        Capture capture = new Capture(innermost);
        innermost = capture;
        return capture;
    }

    /** Prints a captured log where the console wrote before, between two lines naming whose it is. */
    static synchronized void show(String whose, String log) {
        original.println("---- " + whose + " ----");
        original.print(log.endsWith("\n") ? log : log + "\n");
        original.println("---- end of " + whose + " ----");
        original.flush();
    }

    /** What was written to the console while it was open. */
    static final class Capture {
        private final Capture outer;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        private Capture(Capture outer) {
            this.outer = outer;
        }

        /** Stops capturing (the capture it was opened in takes over again) and answers what it holds. */
        String close() {
            System.out.flush();
            System.err.flush();
            innermost = outer;
            return bytes.toString(CHARSET);
        }
    }

    /** Writes to the innermost capture, or to the stream it replaced. */
    private static final class Switch extends OutputStream {
        private final OutputStream replaced;

        Switch(OutputStream replaced) {
            this.replaced = replaced;
        }

        @Override
        public void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int offset, int length) throws IOException {
            target().write(b, offset, length);
        }

        @Override
        public void flush() throws IOException {
            replaced.flush();
        }

        private OutputStream target() {
            Capture capture = innermost;
            return capture == null ? replaced : capture.bytes;
        }
    }
}
