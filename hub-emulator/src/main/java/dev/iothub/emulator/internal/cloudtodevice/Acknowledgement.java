package dev.iothub.emulator.internal.cloudtodevice;

import java.util.Locale;

/**
 * The feedback a service asked for with a message ({@code iothub-ack}): on completion, on dead-lettering (rejected,
 * expired, delivered too often, purged), both or none. The Java service SDK writes {@code positiveonly} and
 * {@code negativeonly} where the others write {@code positive} and {@code negative}; the hub takes both.
 */
public enum Acknowledgement {
    NONE(false, false),
    POSITIVE(true, false),
    NEGATIVE(false, true),
    FULL(true, true);

    private final boolean onCompletion;
    private final boolean onDeadLetter;

    Acknowledgement(boolean onCompletion, boolean onDeadLetter) {
        this.onCompletion = onCompletion;
        this.onDeadLetter = onDeadLetter;
    }

    /** The mode {@code value} names, without regard to case; none when absent. Null for a word the hub does not know. */
    public static Acknowledgement parse(String value) {
        if (value == null) {
            return NONE;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> NONE;
            case "positive", "positiveonly" -> POSITIVE;
            case "negative", "negativeonly" -> NEGATIVE;
            case "full" -> FULL;
            default -> null;
        };
    }

    /** As the hub writes it to the device: {@code none}, {@code positive}, {@code negative} or {@code full}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean onCompletion() {
        return onCompletion;
    }

    boolean onDeadLetter() {
        return onDeadLetter;
    }
}
