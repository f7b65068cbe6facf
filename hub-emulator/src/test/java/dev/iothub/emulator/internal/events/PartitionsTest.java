package dev.iothub.emulator.internal.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionsTest {
    private static final int[] COUNTS = {2, 4, 16, 32, 128};

    /** A device id, the length of its UTF-8 bytes, and its partition for each of {@link #COUNTS}. */
    private record Row(String deviceId, int utf8Length, int... partitions) {
    }

    private static Row row(String deviceId, int utf8Length, int... partitions) {
        return new Row(deviceId, utf8Length, partitions);
    }

    /**
     * Printed by the C SDK's own ComputeHash and ResolvePartitionIndex (with ConvertToUnsignedInt and GetByteArray),
     * taken unchanged from azure-iot-sdk-c testtools/iothub_test/src/iothubtest.c at c86b2d6a5103, built with gcc 12
     * on x86-64 (glibc, C locale; the same output at -O0 and -O2) and run on these ids: every tail length from 1 to
     * 12 bytes, exact multiples of 12, ids longer than 12 up to 128 bytes, both cases of the same letters, digits,
     * '-', '.', ':', and non-ASCII UTF-8, whose bytes C's toupper leaves alone ("gerät-ü" and "GERÄT-Ü" differ).
     * device-82618 and device-33357 hash to the shorts -32768 and 32767, the two that the modulo takes to 1 and 0.
     */
    private static final List<Row> FROM_THE_C_SDK = List.of(
            row("a", 1, 0, 1, 4, 9, 37),
            row("A", 1, 0, 1, 4, 9, 37),
            row("d1", 2, 1, 2, 9, 18, 73),
            row("Dev", 3, 0, 0, 0, 0, 1),
            row("dev4", 4, 0, 0, 0, 0, 3),
            row("ab-cd", 5, 0, 1, 7, 14, 56),
            row("device", 6, 1, 3, 14, 29, 117),
            row("Sensor7", 7, 1, 2, 9, 19, 79),
            row("device01", 8, 1, 3, 12, 24, 97),
            row("thermo-9x", 9, 0, 0, 3, 7, 31),
            row("my.device1", 10, 0, 1, 5, 10, 43),
            row("gateway:abc", 11, 0, 0, 2, 5, 21),
            row("device-00012", 12, 0, 0, 0, 0, 0),
            row("ABCDEFGHIJKL", 12, 1, 2, 11, 22, 88),
            row("abcdefghijkl", 12, 1, 2, 11, 22, 88),
            row("device-000013", 13, 0, 0, 3, 7, 29),
            row("MixedCase-Dev1", 14, 1, 2, 10, 20, 82),
            row("room-101.sensor.t", 17, 0, 1, 4, 9, 36),
            row("abcdefghijklmnopqrstuvwx", 24, 1, 2, 8, 17, 71),
            row("ABCDEFGHIJKLMNOPQRSTUVWX", 24, 1, 2, 8, 17, 71),
            row("abcdefghijklmnopqrstuvwxy", 25, 1, 2, 8, 16, 67),
            row("0123456789-0123456789-0123456789-abc", 36, 1, 2, 9, 19, 78),
            row("0123456789", 10, 0, 1, 5, 11, 44),
            row("urn:dev:mac:0024befffe804ff1", 28, 1, 3, 15, 30, 122),
            row("plant-7.line-3.robot-arm-12:joint-4.temperature-sensor-"
                    + "0001-0002-0003-0004-0005-0006-0007-0008-0009-0010-0011-0012-0013-0014-012", 128, 0, 0, 2, 5, 21),
            row("gerät-ü", 9, 0, 0, 3, 6, 25),
            row("GERÄT-Ü", 9, 1, 3, 15, 30, 122),
            row("abcé", 5, 1, 2, 10, 21, 84),
            row("設備-1", 8, 1, 3, 12, 25, 103),
            row("Ω", 2, 0, 0, 3, 7, 28),
            row("café.📟", 10, 1, 2, 8, 17, 68),
            row("ééééééé-ééééé", 25, 1, 2, 11, 23, 93),
            row("device-82618", 12, 0, 0, 0, 0, 0),
            row("device-33357", 12, 0, 0, 0, 0, 0));

    @Test
    void devicesGoToThePartitionsTheCSdkResolves() {
        for (Row row : FROM_THE_C_SDK) {
            assertEquals(row.utf8Length(), row.deviceId().getBytes(StandardCharsets.UTF_8).length, row.deviceId());
            for (int i = 0; i < COUNTS.length; i++) {
                assertEquals(row.partitions()[i], new Partitions(COUNTS[i]).of(row.deviceId()),
                        row.deviceId() + " of " + COUNTS[i] + " partitions");
            }
        }
    }

    /** lookup3.c's own check values (its driver5, which prints c then b), the seeds in lookup3's order: pc, then pb. */
    @Test
    void hashlittle2GivesLookup3sCheckValues() {
        String fourScore = "Four score and seven years ago";
        assertEquals("deadbeef deadbeef", hashlittle2("", 0, 0));
        assertEquals("bd5b7dde deadbeef", hashlittle2("", 0, 0xdeadbeef));
        assertEquals("9c093ccd bd5b7dde", hashlittle2("", 0xdeadbeef, 0xdeadbeef));
        assertEquals("17770551 ce7226e6", hashlittle2(fourScore, 0, 0));
        assertEquals("e3607cae bd371de4", hashlittle2(fourScore, 0, 1));
        assertEquals("cd628161 6cbea4b3", hashlittle2(fourScore, 1, 0));
    }

    private static String hashlittle2(String key, int primarySeed, int secondarySeed) {
        long hash = Partitions.hashlittle2(key.getBytes(StandardCharsets.US_ASCII), primarySeed, secondarySeed);
        return String.format("%08x %08x", (int) hash, (int) (hash >>> 32));
    }

    /**
     * For every count the hub allows, the 32767 logical partitions fall in contiguous ranges, one per partition in
     * order, the first 32767 mod count of them one wider than the rest.
     */
    @Test
    void logicalPartitionsAreCutIntoContiguousRanges() {
        for (int count = Partitions.MIN_COUNT; count <= Partitions.MAX_COUNT; count++) {
            Partitions partitions = new Partitions(count);
            int[] widths = new int[count];
            int previous = 0;
            for (int logical = 0; logical < Short.MAX_VALUE; logical++) {
                int partition = partitions.ofLogicalPartition(logical);
                assertTrue(partition == previous || partition == previous + 1, logical + " of " + count);
                widths[partition]++;
                previous = partition;
            }
            int narrow = Short.MAX_VALUE / count;
            for (int partition = 0; partition < count; partition++) {
                assertEquals(partition < Short.MAX_VALUE % count ? narrow + 1 : narrow, widths[partition],
                        "partition " + partition + " of " + count);
            }
        }
    }

    @Test
    void aHubHasTwoTo128Partitions() {
        assertEquals(2, new Partitions(2).count());
        assertEquals(128, new Partitions(128).count());
        for (int count : new int[] {Integer.MIN_VALUE, -1, 0, 1, 129, Integer.MAX_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> new Partitions(count), String.valueOf(count));
        }
    }
}
