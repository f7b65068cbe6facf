package dev.iothub.tools.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The durations --wait-ack, --timeout and --retry-for take: seconds as before, or a number with a unit. */
class DurationsTest {
    @Test
    void plainSecondsAndUnits() {
        assertEquals(Duration.ofSeconds(30), Durations.parse("30"));
        assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    }

    @Test
    void badValuesSayWhatIsTaken() {
        for (String bad : new String[] {"soon", "5x", "-5", "1.5s", "", "s"}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
            assertTrue(error.getMessage().contains("is not a duration: give seconds (30) or a number with a unit, ms, s, "
                    + "m or h (500ms, 5s, 2m, 1h)"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("0ms"));
        assertThrows(IllegalArgumentException.class, () -> Durations.parse("999999999999h"));
    }

    @Test
    void formattedForMessages() {
        assertEquals("500 ms", Durations.format(Duration.ofMillis(500)));
        assertEquals("1500 ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("5 s", Durations.format(Duration.ofSeconds(5)));
        assertEquals("2 min", Durations.format(Duration.ofMinutes(2)));
    }
}
