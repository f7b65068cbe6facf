package dev.iothub.bench;

import java.util.Arrays;
import java.util.Locale;

/** What the benchmarks print: one line per figure, {@code name value unit}, and percentiles of samples. */
final class Report {
    private Report() {
    }

    static void figure(String name, double value, String unit) {
        System.out.println(String.format(Locale.ROOT, "%s %s %s", name,
                value == Math.rint(value) && Math.abs(value) < 1e12 ? Long.toString((long) value)
                        : String.format(Locale.ROOT, "%.2f", value), unit));
    }

    /** A note for the reader, not a figure: prefixed so that scripts reading figures can skip it. */
    static void note(String format, Object... args) {
        System.out.println("# " + String.format(Locale.ROOT, format, args));
    }

    /** Nanoseconds as milliseconds, to the microsecond. */
    static double millis(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** The nearest-rank percentile {@code p} (0 to 100) of {@code samples}, which it sorts. */
    static long percentile(long[] samples, double p) {
        Arrays.sort(samples);
        int rank = (int) Math.ceil(p / 100.0 * samples.length);
        return samples[Math.max(0, Math.min(samples.length - 1, rank - 1))];
    }
}
