package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The api-versions the emulator answers: a date, with or without {@code -preview}, from the first data-plane
 * version (2016-02-03) to today. The hub answers only the versions it has; the emulator cannot list them all,
 * so it refuses what cannot be one (a missing, truncated or made-up version) as the hub does, and takes the rest.
 */
final class ApiVersions {
    private static final Pattern VERSION = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})(-preview)?");
    private static final LocalDate FIRST = LocalDate.of(2016, 2, 3);

    private ApiVersions() {
    }

    /** Throws the hub's 400 InvalidProtocolVersion unless {@code version} can be one of the hub's. */
    static void check(String version, Clock clock) {
        if (version == null || version.isEmpty()) {
            throw new HubException(ErrorCode.InvalidProtocolVersion, "Protocol version is required. But, it was not provided.");
        }
        Matcher matcher = VERSION.matcher(version);
        if (!matcher.matches() || !isBetween(matcher.group(1), LocalDate.now(clock.withZone(ZoneOffset.UTC)))) {
            throw new HubException(ErrorCode.InvalidProtocolVersion, "Invalid protocol version: " + version + ".");
        }
    }

    private static boolean isBetween(String date, LocalDate today) {
        try {
            LocalDate day = LocalDate.parse(date);
            return !day.isBefore(FIRST) && !day.isAfter(today);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
