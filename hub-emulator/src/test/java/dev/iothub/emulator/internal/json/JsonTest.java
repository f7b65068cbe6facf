package dev.iothub.emulator.internal.json;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class JsonTest {
    private static final DateTimeFormatter HUB_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void timestampsHaveSevenFractionalDigitsTruncated() {
        assertEquals("2016-03-31T16:58:04.9608677Z", Json.timestamp(Instant.parse("2016-03-31T16:58:04.960867799Z")));
        assertEquals("2016-03-31T16:58:04.0000000Z", Json.timestamp(Instant.parse("2016-03-31T16:58:04Z")));
        assertEquals(Json.NEVER, Json.timestamp(null));
    }

    @Test
    void timestampsAreWhatTheFullPatternFormats() {
        Instant[] instants = {Instant.EPOCH, Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("+10000-01-01T00:00:00.5Z"), Instant.parse("2024-02-29T12:00:00.000000100Z"), Instant.now()};
        for (Instant instant : instants) {
            for (int nanos : new int[] {0, 1, 99, 100, 1_000, 9_999_999, 10_000_000, 123_456_789, 999_999_999}) {
                Instant at = instant.plusNanos(nanos);
                assertEquals(HUB_TIME.format(at), Json.timestamp(at), at.toString());
            }
        }
    }
}
