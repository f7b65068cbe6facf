package dev.iothub.tools.common;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long to wait, as options take it: a number of seconds ({@code 30}), or with a unit: {@code 500ms}, {@code 5s},
 * {@code 2m}, {@code 1h}.
 */
public final class Durations {
    /** The longest a tool waits: {@code forever}, far from overflowing deadlines in nanoseconds. */
    public static final Duration LONGEST = Duration.ofDays(365L * 100);

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

    private Durations() {
    }

    /** The duration {@code text} says; IllegalArgumentException naming the forms it takes if none, or if it is zero. */
    public static Duration parse(String text) {
        Matcher matcher = DURATION.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: give seconds (30) or a number with a "
                    + "unit, ms, s, m or h (500ms, 5s, 2m, 1h)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        Duration duration = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (duration.isZero()) {
            throw new IllegalArgumentException("'" + text + "' is no time at all: give more than 0");
        }
        if (duration.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("'" + text + "' is more than 100 years");
        }
        return duration;
    }

    /** {@code 5 s}, {@code 2 min}, or {@code 500 ms} when not whole seconds: for messages. */
    public static String format(Duration duration) {
        if (duration.toMillisPart() != 0) {
            return duration.toMillis() + " ms";
        }
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
    }

    /** picocli converter for options that take a duration: a bad one is a usage error (exit 2) saying the forms. */
    public static final class Converter extends CheckingConverter<Duration> {
        @Override
        protected Duration parse(String value) {
            return Durations.parse(value);
        }
    }
}
