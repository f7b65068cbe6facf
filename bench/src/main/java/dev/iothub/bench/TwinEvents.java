package dev.iothub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The hub's own events on the built-in endpoint (issue 22), with the SDKs in this process and the emulator in its
 * own. Twin changes: the service SDK's {@code TwinClient.patch} of one desired property of a device twin, one at a
 * time, to the {@code twinChangeEvents} event that carries its value, read by {@link EndpointReader}; with a data
 * directory, then in memory. Beside each, the same patches on the emulator's peer without the route, in turns,
 * for what the route costs the PATCH itself. Connection states: a {@code DeviceClient} (MQTT) opened, to its
 * {@code deviceConnected} event.
 */
final class TwinEvents {
    private static final int WARM_UP = 200;
    private static final int PATCHES = 1_000;
    /**
     * The routed emulator and its peer take turns, each round with fresh ones, routed first in every other round:
     * on a machine whose load drifts, neither gains from going first.
     */
    private static final int ROUNDS = 4;
    private static final int PER_ROUND = PATCHES / ROUNDS;
    private static final int OPEN_WARM_UP = 20;
    private static final int OPENS = 200;
    /** Between one patch's end (its event, where routed) and the next: each PATCH starts on a quiet emulator. */
    private static final long PAUSE_MS = 10;
    private static final String DEVICE = "twin-events";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The PATCH round trips (sent → returned) of one emulator, its events' latencies (sent → receipt), and how long
     * after the PATCH returned each event came (negative: before).
     */
    private record Patches(long[] roundTrip, long[] event, long[] afterReturn) {
        Patches() {
            this(new long[PATCHES], new long[PATCHES], new long[PATCHES]);
        }
    }

    static void run(String address) throws Exception {
        compare(address, true, "");
        compare(address, false, "_memory");
        connections(address);
    }

    /** The routed emulator and its peer without the route, in turns, on disk or in memory. */
    private static void compare(String address, boolean durable, String suffix) throws Exception {
        Patches routed = new Patches();
        Patches unrouted = new Patches();
        for (int round = 0; round < ROUNDS; round++) {
            boolean routedFirst = round % 2 == 0;
            patch(address, durable, routedFirst, routedFirst ? routed : unrouted, round);
            patch(address, durable, !routedFirst, routedFirst ? unrouted : routed, round);
        }
        String where = durable ? "data directory" : "in memory";
        for (int p : new int[] {50, 99}) {
            Report.figure("twin_event_latency" + suffix + "_p" + p, Report.millis(Report.percentile(routed.event(), p)),
                    "ms");
            Report.figure("twin_event_after_return" + suffix + "_p" + p,
                    Report.millis(Report.percentile(routed.afterReturn(), p)), "ms");
        }
        Report.note("twin change events, %s: %d device twin patches, %d on each of %d emulators after %d warm-up,"
                + " one at a time, TwinClient.patch sent -> its twinChangeEvents event at EventHubConsumerAsyncClient"
                + " (after_return: PATCH returned -> the event, negative when it came first)", where, PATCHES,
                PER_ROUND, ROUNDS, WARM_UP);
        for (int p : new int[] {50, 99}) {
            long with = Report.percentile(routed.roundTrip(), p);
            long without = Report.percentile(unrouted.roundTrip(), p);
            Report.figure("twin_patch_routed" + suffix + "_p" + p, Report.millis(with), "ms");
            Report.figure("twin_patch_unrouted" + suffix + "_p" + p, Report.millis(without), "ms");
            Report.figure("twin_patch_route_ratio" + suffix + "_p" + p, Math.round(100.0 * with / without) / 100.0,
                    "x");
        }
        Report.note("twin PATCH round trip (sent -> returned), %s: with --route TwinChangeEvents and its peer without"
                + " a route, in %d rounds of fresh emulators (routed first in every other), the same patches and"
                + " pauses; ratio = routed / unrouted", where, ROUNDS);
    }

    /**
     * Patches a device twin on an emulator of its own, awaiting each patch's event where {@code routed}, and keeps
     * the figures in {@code into}, at {@code round}'s place.
     */
    private static void patch(String address, boolean durable, boolean routed, Patches into, int round)
            throws Exception {
        Path data = durable ? Files.createTempDirectory("bench-twin-events-") : null;
        List<String> routes = routed ? List.of("--route", "TwinChangeEvents") : List.of();
        try (Emulator hub = Emulator.start(address, data, routes)) {
            SdkDevice device = SdkDevice.register(hub, DEVICE);
            // the peer reads its endpoint too, so that the route is the only difference
            try (EndpointReader events = new EndpointReader(hub, device.tls())) {
                TwinClient twins = new TwinClient(hub.serviceConnectionString());
                Twin patch = new Twin(DEVICE);
                for (int i = -WARM_UP; i < PER_ROUND; i++) {
                    int n = i;
                    patch.getDesiredProperties().put("n", n);
                    long sent = System.nanoTime();
                    twins.patch(patch);
                    long returned = System.nanoTime();
                    long arrived = routed
                            ? events.await(arrival -> desiredN(arrival) == n, "the event of patch " + n).at() : 0;
                    Thread.sleep(PAUSE_MS);
                    if (i >= 0) {
                        int at = round * PER_ROUND + i;
                        into.roundTrip()[at] = returned - sent;
                        into.event()[at] = arrived - sent;
                        into.afterReturn()[at] = arrived - returned;
                    }
                }
            }
        } finally {
            if (data != null) {
                Emulator.deleteDataDirectory(data);
            }
        }
    }

    /** The desired property {@code n} a twin change event carries, or {@code Long.MIN_VALUE}. */
    private static long desiredN(EndpointReader.Arrival arrival) {
        if (!"updateTwin".equals(arrival.opType())) {
            return Long.MIN_VALUE;
        }
        try {
            return JSON.readTree(arrival.event().getBody()).path("properties").path("desired").path("n")
                    .asLong(Long.MIN_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A device opened over MQTT, to its {@code deviceConnected} event, in memory; each close's
     * {@code deviceDisconnected} is awaited before the next open, as only a device's first connection is an event.
     */
    private static void connections(String address) throws Exception {
        try (Emulator hub = Emulator.start(address, null, List.of("--route", "DeviceConnectionStateEvents"))) {
            SdkDevice device = SdkDevice.register(hub, DEVICE);
            try (EndpointReader events = new EndpointReader(hub, device.tls())) {
                long[] fromOpen = new long[OPENS];
                long[] openTook = new long[OPENS];
                long[] lead = new long[OPENS];
                int beforeReturn = 0;
                for (int i = -OPEN_WARM_UP; i < OPENS; i++) {
                    DeviceClient client = device.client(IotHubClientProtocol.MQTT);
                    long start = System.nanoTime();
                    client.open(false);
                    long opened = System.nanoTime();
                    long connected = events.await(arrival -> "deviceConnected".equals(arrival.opType()),
                            "deviceConnected of open " + i).at();
                    client.close();
                    events.await(arrival -> "deviceDisconnected".equals(arrival.opType()),
                            "deviceDisconnected of open " + i);
                    if (i >= 0) {
                        fromOpen[i] = connected - start;
                        openTook[i] = opened - start;
                        lead[i] = opened - connected;
                        beforeReturn += connected < opened ? 1 : 0;
                    }
                }
                Report.figure("connected_event_latency_p50", Report.millis(Report.percentile(fromOpen, 50)), "ms");
                Report.figure("connected_event_latency_p99", Report.millis(Report.percentile(fromOpen, 99)), "ms");
                Report.figure("connected_event_before_return_p50", Report.millis(Report.percentile(lead, 50)), "ms");
                Report.figure("device_open_mqtt_p50", Report.millis(Report.percentile(openTook, 50)), "ms");
                Report.note("connection-state events, in memory: %d DeviceClient (MQTT) opens after %d warm-up,"
                        + " open called -> its deviceConnected event at EventHubConsumerAsyncClient (before open"
                        + " returned: %d of %d, by before_return); device_open_mqtt = open called -> returned", OPENS,
                        OPEN_WARM_UP, beforeReturn, OPENS);
            }
        }
    }

    private TwinEvents() {
    }
}
