package dev.iothub.emulator.internal.routing;

import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code sequenceNumber} of connection-state events: 64 upper-case hex digits that grow with every event, so
 * that a string comparison tells the later one, as on the hub. The hub's read as 16 zeros, a Windows file time, 8
 * digits, and a 24-digit count; here the time is when the emulator started, so numbers grow across restarts too.
 */
final class ConnectionSequence {
    /** 100 ns ticks from 1601-01-01, Windows' epoch, to 1970-01-01. */
    private static final long FILE_TIME_OF_UNIX_EPOCH = 116_444_736_000_000_000L;

    private final String prefix;
    private final AtomicLong count = new AtomicLong();

    ConnectionSequence(Instant started) {
        long fileTime = FILE_TIME_OF_UNIX_EPOCH + started.getEpochSecond() * 10_000_000L + started.getNano() / 100;
        prefix = "0".repeat(16) + HexFormat.of().withUpperCase().toHexDigits(fileTime) + "00000002";
    }

    String next() {
        return prefix + "0".repeat(8) + HexFormat.of().withUpperCase().toHexDigits(count.incrementAndGet());
    }
}
