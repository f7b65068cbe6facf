package dev.iothub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * What the robustness benchmarks take at each moment: the emulator's resident memory, live heap and open
 * descriptors, and the latency of a well-behaved client's REST GETs on a connection of its own.
 */
final class Vitals {
    private static final int WELL_BEHAVED_REQUESTS = 300;

    private Vitals() {
    }

    /** Prints the figures, named {@code prefix} and what each is ({@code prefix_rss}, ...). */
    static void report(Emulator hub, SSLContext tls, String prefix) throws Exception {
        long[] micros = new long[WELL_BEHAVED_REQUESTS];
        try (Rest rest = new Rest(hub, tls)) {
            for (int i = 0; i < micros.length; i++) {
                long started = System.nanoTime();
                rest.send("GET", "/devices/nobody", null);
                micros[i] = (System.nanoTime() - started) / 1000;
            }
        }
        Report.figure(prefix + "_rss", hub.residentMiB(), "MiB");
        Report.figure(prefix + "_live_heap", hub.liveHeapMiB(), "MiB");
        Report.figure(prefix + "_descriptors", descriptors(hub), "fds");
        Report.figure(prefix + "_get_p50", Report.percentile(micros, 50) / 1000.0, "ms");
        Report.figure(prefix + "_get_p99", Report.percentile(micros, 99) / 1000.0, "ms");
    }

    /** The emulator's open descriptors, from /proc (Linux). */
    static long descriptors(Emulator hub) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + hub.pid() + "/fd"))) {
            return fds.count();
        }
    }
}
