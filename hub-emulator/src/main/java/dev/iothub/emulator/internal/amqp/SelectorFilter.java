package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.events.StartPosition;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Source;

/**
 * Where a partition receiver starts, from its source's filter: Event Hubs' selector filter, a described string
 * whose descriptor is the symbol {@code apache.org:selector-filter:string} (Java, the C SDK, uamqp) or its code
 * {@code 0x468C00000004} (JS). The expressions the clients write compare one annotation with a value, quoted or not:
 * {@code amqp.annotation.x-opt-offset > '-1'} (the start), {@code > '@latest'}, {@code x-opt-sequence-number},
 * {@code x-opt-enqueued-time} and the older {@code x-opt-enqueuedtimeutc} (milliseconds since 1970), each with
 * {@code >} or {@code >=}. No filter starts at the first event kept.
 */
final class SelectorFilter {
    private static final Symbol NAME = Symbol.valueOf("apache.org:selector-filter:string");
    private static final UnsignedLong CODE = UnsignedLong.valueOf(0x468C00000004L);
    private static final Pattern EXPRESSION = Pattern.compile("\\s*amqp\\.annotation\\.(x-opt-offset"
            + "|x-opt-sequence-number|x-opt-enqueued-time|x-opt-enqueuedtimeutc)\\s*(>=|>)\\s*'?([^']*)'?\\s*",
            Pattern.CASE_INSENSITIVE);

    private SelectorFilter() {
    }

    /** The position {@code source}'s filter asks for; null if it is a filter the hub does not read. */
    static StartPosition startPosition(Source source) {
        Map<?, ?> filter = source == null ? null : source.getFilter(); // Proton-J declares it raw
        if (filter == null || filter.isEmpty()) {
            return StartPosition.EARLIEST;
        }
        for (Object value : filter.values()) {
            if (value instanceof DescribedType described && (NAME.equals(described.getDescriptor())
                    || CODE.equals(described.getDescriptor())) && described.getDescribed() instanceof String text) {
                return parse(text);
            }
        }
        return null;
    }

    private static StartPosition parse(String expression) {
        Matcher matcher = EXPRESSION.matcher(expression);
        if (!matcher.matches()) {
            return null;
        }
        String annotation = matcher.group(1).toLowerCase(Locale.ROOT);
        boolean inclusive = matcher.group(2).equals(">=");
        String value = matcher.group(3).trim();
        if (annotation.equals("x-opt-offset") && value.equalsIgnoreCase("@latest")) {
            return StartPosition.LATEST;
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return null;
        }
        return switch (annotation) {
            case "x-opt-offset", "x-opt-sequence-number" -> new StartPosition.Sequence(number, inclusive);
            default -> new StartPosition.EnqueuedTime(Instant.ofEpochMilli(number), inclusive);
        };
    }
}
