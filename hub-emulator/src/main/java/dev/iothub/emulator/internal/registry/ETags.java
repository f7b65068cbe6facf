package dev.iothub.emulator.internal.registry;

import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** Etags of identities, and the If-Match rules the hub applies to them and to twins. */
public final class ETags {
    // Identity etags on the hub are base64 of a decimal number; a clock-seeded sequence keeps them unique across restarts.
    private static final AtomicLong SEQUENCE = new AtomicLong(System.currentTimeMillis() * 1000);

    private ETags() {
    }

    public static String next() {
        return Base64.getEncoder().encodeToString(
                Long.toString(SEQUENCE.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * Checks If-Match against the current etag: {@code *}, {@code "*"} (as the Node and C# service SDKs send
     * it) or no header matches anything; {@code "x"} and {@code W/"x"} compare x. An unquoted value is compared
     * too when {@code enforceUnquoted}: the registry does, while the hub was seen not to enforce an unquoted
     * If-Match on twins (azure-iot-sdk-java issue 574).
     */
    public static void checkIfMatch(String ifMatch, String current, boolean enforceUnquoted) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*") || ifMatch.trim().equals("\"*\"")) {
            return;
        }
        String value = ifMatch.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        boolean quoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"");
        if (!quoted && !enforceUnquoted) {
            return;
        }
        String given = quoted ? value.substring(1, value.length() - 1) : value;
        if (!given.equals(current)) {
            throw new HubException(ErrorCode.PreconditionFailed,
                    "Precondition failed: the etag given in If-Match does not match the current one.");
        }
    }
}
