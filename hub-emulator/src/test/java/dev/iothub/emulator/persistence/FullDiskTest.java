package dev.iothub.emulator.persistence;

import static dev.iothub.emulator.testing.RawRest.API;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.RawRest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory on a disk that fills up (a small tmpfs, which needs root to mount): the write that hits the
 * full disk fails with the hub's 503, reads go on, writes resume once there is room, with no restart, and
 * nothing acknowledged is lost.
 */
class FullDiskTest {
    private static final String ADDRESS = "127.0.0.19";
    @TempDir
    Path mountPoint;
    private boolean mounted;

    @BeforeEach
    void mountASmallDisk() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        assumeTrue(mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0,
                "this machine lets no tmpfs be mounted: " + new String(mount.getInputStream().readAllBytes()));
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFullDiskFailsTheWriteThatHitItServesReadsAndResumesWhenThereIsRoom() throws Exception {
        Path data = mountPoint.resolve("data");
        Path filler = mountPoint.resolve("filler");
        List<String> acknowledged = new ArrayList<>();
        String refused = null;
        try (HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start()) {
            RawRest rest = new RawRest(hub);
            assertEquals(200, put(rest, "before").statusCode());
            acknowledged.add("before");
            fill(filler);

            for (int i = 0; i < 500 && refused == null; i++) {
                HttpResponse<String> response = put(rest, "after-" + i);
                if (response.statusCode() == 200) {
                    acknowledged.add("after-" + i);
                } else {
                    RawRest.assertError(response, 503, "ServiceUnavailable");
                    refused = "after-" + i;
                }
            }
            assertTrue(refused != null, "no write failed on a full disk");
            for (String id : acknowledged) {
                assertEquals(200, get(rest, id).statusCode(), "reads go on: " + id);
            }

            Files.delete(filler);
            assertEquals(200, put(rest, "resumed").statusCode(), "writes resume without a restart");
            acknowledged.add("resumed");
            for (String id : acknowledged) {
                assertEquals(200, get(rest, id).statusCode(), "after the resumed write: " + id);
            }
        }

        try (HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start()) {
            RawRest rest = new RawRest(hub);
            for (String id : acknowledged) {
                assertEquals(200, get(rest, id).statusCode(), "acknowledged, so kept: " + id);
            }
            RawRest.assertError(get(rest, refused), 404, "DeviceNotFound");
        }
    }

    /** A client that keeps writing to a full disk is refused every time, and the log says so once per 10 s. */
    @Test
    void writesRefusedOnAFullDiskAreLoggedOnceNotEachTime() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream previousErr = System.err;
        Path data = mountPoint.resolve("data");
        try (HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start()) {
            RawRest rest = new RawRest(hub);
            Path filler = mountPoint.resolve("filler");
            fill(filler);
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            for (int i = 0; i < 50; i++) {
                RawRest.assertError(put(rest, "refused-" + i), 503, "ServiceUnavailable");
            }
        } finally {
            System.setErr(previousErr);
        }

        long lines = log.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains("changes refused")).count();
        assertTrue(lines <= 1, lines + " lines for 50 writes refused within seconds:\n" + log);
    }

    /** Stopped while the disk is full, the emulator stops without an error, and keeps every acknowledged write. */
    @Test
    void stoppedOnAFullDiskTheEmulatorKeepsWhatItAcknowledged() throws Exception {
        Path data = mountPoint.resolve("data");
        Path filler = mountPoint.resolve("filler");
        try (HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start()) {
            RawRest rest = new RawRest(hub);
            assertEquals(200, put(rest, "acknowledged").statusCode());
            fill(filler);
            RawRest.assertError(put(rest, "refused"), 503, "ServiceUnavailable");
        } // closes on the full disk

        Files.delete(filler);
        try (HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start()) {
            RawRest rest = new RawRest(hub);
            assertEquals(200, get(rest, "acknowledged").statusCode());
            RawRest.assertError(get(rest, "refused"), 404, "DeviceNotFound");
        }
    }

    /** Writes to {@code filler} until the disk has no room left. */
    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // no space left on the device: as wanted
        }
    }

    private static HttpResponse<String> put(RawRest rest, String deviceId) throws Exception {
        // a description of some size, so that each write needs room of its own
        return rest.send("PUT", "/devices/" + deviceId + API, "{\"deviceId\":\"" + deviceId + "\",\"statusReason\":\""
                + "r".repeat(128) + "\"}", rest.ownerToken());
    }

    private static HttpResponse<String> get(RawRest rest, String deviceId) throws Exception {
        return rest.send("GET", "/devices/" + deviceId + API, null, rest.ownerToken());
    }
}
