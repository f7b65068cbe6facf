package dev.iothub.emulator.internal.events;

import static java.lang.Integer.rotateLeft;

import java.nio.charset.StandardCharsets;

/**
 * The partitions of the hub's built-in Event Hub-compatible endpoint, and which of them a device's telemetry goes to
 * (a module's goes where its device's does). The hub keys each event by the device id and spreads the keys as an
 * Event Hubs partition key resolver does: the upper-cased id is hashed with Bob Jenkins' lookup3 to one of 32767
 * logical partitions, which are cut into as many contiguous ranges as there are partitions. The only public account
 * of it is the C SDK's end-to-end helper (azure-iot-sdk-c, testtools/iothub_test/src/iothubtest.c, ComputeHash and
 * ResolvePartitionIndex), which listens on that one partition only; this is the same arithmetic.
 */
public final class Partitions {
    /** The hub's bounds on its partition count (ARM's eventHubEndpoints.events.partitionCount). */
    public static final int MIN_COUNT = 2;
    public static final int MAX_COUNT = 128;
    /** A hash is truncated to a signed 16-bit value and taken modulo this. */
    private static final int LOGICAL_PARTITIONS = Short.MAX_VALUE;

    private final int count;
    /** The first {@code wideRanges} partitions each take {@code narrowWidth + 1} logical partitions, the rest {@code narrowWidth}. */
    private final int narrowWidth;
    private final int wideRanges;

    public Partitions(int count) {
        if (count < MIN_COUNT || count > MAX_COUNT) {
            throw new IllegalArgumentException("a hub has " + MIN_COUNT + " to " + MAX_COUNT + " partitions, not " + count);
        }
        this.count = count;
        this.narrowWidth = LOGICAL_PARTITIONS / count;
        this.wideRanges = LOGICAL_PARTITIONS - count * narrowWidth;
    }

    public int count() {
        return count;
    }

    /** The partition (0 to count - 1) that the telemetry of the device {@code deviceId}, or of its modules, goes to. */
    public int of(String deviceId) {
        return ofLogicalPartition(logicalPartition(deviceId));
    }

    /** The partition whose range holds {@code logical} (0 to 32766). */
    int ofLogicalPartition(int logical) {
        int wideEnd = wideRanges * (narrowWidth + 1);
        return logical < wideEnd ? logical / (narrowWidth + 1) : wideRanges + (logical - wideEnd) / narrowWidth;
    }

    /**
     * The id's UTF-8 bytes with ASCII letters upper-cased (as C's toupper does in the C locale: bytes of other
     * characters stay as they are), hashed with both seeds 0, the two halves XORed and truncated to a short.
     */
    private static int logicalPartition(String deviceId) {
        byte[] key = deviceId.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < key.length; i++) {
            if (key[i] >= 'a' && key[i] <= 'z') {
                key[i] -= 'a' - 'A';
            }
        }
        long hash = hashlittle2(key, 0, 0);
        short truncated = (short) ((int) hash ^ (int) (hash >>> 32));
        return Math.abs(truncated % LOGICAL_PARTITIONS);
    }

    /**
     * lookup3's hashlittle2 of {@code key} with the seeds it calls pc and pb: its two 32-bit results as one long,
     * c in the low half and b in the high half (the 64-bit value lookup3 suggests).
     */
    static long hashlittle2(byte[] key, int primarySeed, int secondarySeed) {
        int a = 0xdeadbeef + key.length + primarySeed;
        int b = a;
        int c = a + secondarySeed;
        int offset = 0;
        int remaining = key.length;
        for (; remaining > 12; offset += 12, remaining -= 12) {
            a += littleEndian(key, offset, 4);
            b += littleEndian(key, offset + 4, 4);
            c += littleEndian(key, offset + 8, 4);
            a -= c; a ^= rotateLeft(c, 4); c += b;
            b -= a; b ^= rotateLeft(a, 6); a += c;
            c -= b; c ^= rotateLeft(b, 8); b += a;
            a -= c; a ^= rotateLeft(c, 16); c += b;
            b -= a; b ^= rotateLeft(a, 19); a += c;
            c -= b; c ^= rotateLeft(b, 4); b += a;
        }
        // The last 1 to 12 bytes are added as words padded with zeros and finally mixed; with none left lookup3
        // skips the final mix.
        if (remaining > 0) {
            a += littleEndian(key, offset, Math.min(remaining, 4));
            if (remaining > 4) {
                b += littleEndian(key, offset + 4, Math.min(remaining - 4, 4));
            }
            if (remaining > 8) {
                c += littleEndian(key, offset + 8, remaining - 8);
            }
            c ^= b; c -= rotateLeft(b, 14);
            a ^= c; a -= rotateLeft(c, 11);
            b ^= a; b -= rotateLeft(a, 25);
            c ^= b; c -= rotateLeft(b, 16);
            a ^= c; a -= rotateLeft(c, 4);
            b ^= a; b -= rotateLeft(a, 14);
            c ^= b; c -= rotateLeft(b, 24);
        }
        return Integer.toUnsignedLong(c) | (long) b << 32;
    }

    /** The {@code length} (1 to 4) bytes at {@code offset} as a little-endian word, its missing high bytes zero. */
    private static int littleEndian(byte[] key, int offset, int length) {
        int word = 0;
        for (int i = length - 1; i >= 0; i--) {
            word = word << 8 | key[offset + i] & 0xFF;
        }
        return word;
    }
}
