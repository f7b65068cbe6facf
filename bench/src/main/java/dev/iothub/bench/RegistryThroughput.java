package dev.iothub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * Figure 4: identities created, then twins patched, per second through REST with the on-disk store, by 1, 2,
 * 4 and 8 concurrent keep-alive clients; then the emulator is killed (kill -9), started again on the same
 * data directory, and every acknowledged create and patch is looked for. The store file's size is sampled
 * throughout, since it can grow while running far beyond what a clean stop leaves.
 */
final class RegistryThroughput {
    private static final int[] CLIENTS = {1, 2, 4, 8};
    private static final int WARM_UP_SECONDS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    static void run(String address) throws Exception {
        Path data = Files.createTempDirectory("bench-registry-");
        Map<String, Long> acknowledged = new ConcurrentHashMap<>(); // device id -> desired $version acknowledged
        try {
            try (Emulator hub = Emulator.start(address, data); PeakSize peak = new PeakSize(data)) {
                SSLContext tls = hub.sslContext();
                creates(hub, tls, "warm-up", 8, WARM_UP_SECONDS, acknowledged); // both JVMs compile the hot paths first
                for (int clients : CLIENTS) {
                    double rate = creates(hub, tls, "c" + clients, clients, seconds(clients), acknowledged);
                    Report.figure("registry_creates_" + clients + "_clients", Math.round(rate), "identities/s");
                }
                List<String> devices = new ArrayList<>(acknowledged.keySet());
                Collections.sort(devices);
                for (int clients : CLIENTS) {
                    double rate = patches(hub, tls, clients, seconds(clients), devices, acknowledged);
                    Report.figure("registry_patches_" + clients + "_clients", Math.round(rate), "patches/s");
                }
                Report.figure("registry_store_file_peak", mebibytes(peak.largest()), "MiB");
                Report.figure("registry_store_file_running", mebibytes(bytes(data)), "MiB");
                hub.kill();
            }
            long restarting = System.nanoTime();
            try (Emulator hub = Emulator.start(address, data)) {
                Report.figure("registry_restart_after_kill", Math.round((System.nanoTime() - restarting) / 1e6), "ms");
                AtomicInteger lost = new AtomicInteger();
                Clients.forEach(hub, hub.sslContext(), 8, new ArrayList<>(acknowledged.entrySet()), (rest, written) -> {
                    Rest.Response twin = rest.send("GET", "/twins/" + written.getKey(), null);
                    if (twin.status() != 200 || desiredVersion(twin) < written.getValue()) {
                        lost.incrementAndGet();
                    }
                });
                Report.figure("registry_restart_checked", acknowledged.size(), "identities");
                Report.figure("registry_restart_lost", lost.get(), "writes");
                hub.stop();
                Report.figure("registry_store_file_closed", mebibytes(bytes(data)), "MiB");
            }
            Report.note("registry throughput: on-disk store, raw HTTP/1.1 keep-alive clients over TLS, %d s per step"
                    + " (10 s with 8 clients) after a %d s warm-up; restart after kill -9 checks every acknowledged create"
                    + " and twin $version", seconds(1), WARM_UP_SECONDS);
        } finally {
            Emulator.deleteDataDirectory(data);
        }
    }

    private static int seconds(int clients) {
        return clients == 8 ? 10 : 5;
    }

    /** Creates devices {@code prefix-…} for {@code seconds} with {@code clients} clients; answers identities per second. */
    private static double creates(Emulator hub, SSLContext tls, String prefix, int clients, int seconds,
                                  Map<String, Long> acknowledged) throws Exception {
        return timed(hub, tls, "creates", clients, seconds, (rest, index, n) -> {
            String id = prefix + "-" + index + "-" + n;
            Clients.expect(200, rest.send("PUT", "/devices/" + id,
                    "{\"deviceId\":\"" + id + "\",\"authentication\":{\"type\":\"sas\"}}"), id);
            acknowledged.put(id, 1L); // a new twin's desired $version
        });
    }

    /** Patches the desired properties of {@code devices}, each client its own share, round and round. */
    private static double patches(Emulator hub, SSLContext tls, int clients, int seconds, List<String> devices,
                                  Map<String, Long> acknowledged) throws Exception {
        return timed(hub, tls, "patches", clients, seconds, (rest, index, n) -> {
            String id = devices.get((int) ((index + (long) n * clients) % devices.size()));
            Rest.Response twin = Clients.expect(200, rest.send("PATCH", "/twins/" + id,
                    "{\"properties\":{\"desired\":{\"n\":" + n + "}}}"), id);
            acknowledged.put(id, desiredVersion(twin));
        });
    }

    /** One request of a timed run: the {@code n}-th of client {@code index}. */
    @FunctionalInterface
    private interface Request {
        void send(Rest rest, int index, int n) throws Exception;
    }

    /**
     * Sends {@code request} over and over on {@code clients} connections for {@code seconds}; answers requests
     * per second and notes the emulator's CPU time per request too.
     */
    private static double timed(Emulator hub, SSLContext tls, String what, int clients, int seconds, Request request)
            throws Exception {
        AtomicInteger done = new AtomicInteger();
        double cpu = hub.cpuSeconds();
        long started = System.nanoTime();
        long deadline = started + seconds * 1_000_000_000L;
        Clients.run(hub, tls, clients, (rest, index) -> {
            for (int n = 0; System.nanoTime() < deadline; n++) {
                request.send(rest, index, n);
                done.incrementAndGet();
            }
        });
        double elapsed = (System.nanoTime() - started) / 1e9;
        int requests = done.get();
        Report.note("%s with %d clients: %d in %.1f s, emulator CPU %.0f us per request", what, clients, requests, elapsed,
                (hub.cpuSeconds() - cpu) * 1e6 / requests);
        return requests / elapsed;
    }

    private static long desiredVersion(Rest.Response twin) throws IOException {
        JsonNode version = JSON.readTree(twin.body()).path("properties").path("desired").path("$version");
        if (!version.isNumber()) {
            throw new IOException("a twin without properties.desired.$version: " + twin.body());
        }
        return version.asLong();
    }

    private static long bytes(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static double mebibytes(long bytes) {
        return Math.round(bytes / 1048576.0 * 10) / 10.0;
    }

    /** The largest size of a directory's files, sampled every 100 ms from creation to close. */
    private static final class PeakSize implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();

        PeakSize(Path directory) {
            sampler.scheduleAtFixedRate(() -> {
                try {
                    peak.accumulateAndGet(bytes(directory), Math::max);
                } catch (IOException | UncheckedIOException e) {
                    // a file the store deleted while it was walked: the next sample counts again
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        long largest() {
            return peak.get();
        }

        @Override
        public void close() {
            sampler.shutdownNow();
        }
    }

    private RegistryThroughput() {
    }
}
