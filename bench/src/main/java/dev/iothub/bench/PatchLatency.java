package dev.iothub.bench;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Figure 2: from the service SDK's twin PATCH returning to the device SDK's desired-properties callback,
 * over MQTT and then over AMQPS, each with a module of its own in the same emulator. Both SDK clients
 * (TwinClient, and ModuleClient) run in this process, the emulator in its own (in memory); one patch at a
 * time, each waited for before the next.
 */
final class PatchLatency {
    private static final int WARM_UP = 200;
    private static final int PATCHES = 1_000;
    /**
     * Between a callback and the next patch. The device SDK hands received messages to callbacks from a task
     * it schedules every 10 ms (ClientOptions.receiveInterval) with a fixed delay: a patch that arrives within
     * 10 ms of the previous callback waits for that task (about 8 ms at p50 back to back). A pause longer
     * than that measures a patch as a person sends it, and the emulator rather than that schedule.
     */
    private static final long PAUSE_MS = 20;
    private static final String DEVICE = "latency";

    /** When a callback came, and which patch it carried. */
    private record Callback(long at, int n) {
    }

    static void run(String address) throws Exception {
        try (Emulator hub = Emulator.start(address, null)) {
            SdkDevice device = SdkDevice.register(hub, DEVICE);
            // MQTT's figures keep the names they had before AMQP was measured, so that past runs compare
            measure(hub, device, IotHubClientProtocol.MQTT, "");
            measure(hub, device, IotHubClientProtocol.AMQPS, "_amqps");
        }
    }

    /** Patches a module of its own, connected over {@code protocol}, and prints its figures with {@code suffix}. */
    private static void measure(Emulator hub, SdkDevice device, IotHubClientProtocol protocol, String suffix)
            throws Exception {
        String moduleId = protocol.name().toLowerCase(Locale.ROOT);
        ModuleClient client = device.module(moduleId, protocol);
        BlockingQueue<Callback> callbacks = new LinkedBlockingQueue<>();
        client.open(false);
        try {
            client.subscribeToDesiredProperties((twin, context) -> {
                long at = System.nanoTime();
                Object n = twin.getDesiredProperties().get("n");
                callbacks.add(new Callback(at, n instanceof Number number ? number.intValue() : -1));
            }, null);
            TwinClient twins = new TwinClient(hub.serviceConnectionString());
            Twin patch = new Twin(DEVICE, moduleId);
            long[] afterReturn = new long[PATCHES];
            long[] roundTrip = new long[PATCHES];
            int callbackFirst = 0;
            for (int i = -WARM_UP; i < PATCHES; i++) {
                patch.getDesiredProperties().put("n", i);
                long sent = System.nanoTime();
                twins.patch(patch);
                long returned = System.nanoTime();
                Callback callback = awaitPatch(callbacks, i);
                Thread.sleep(PAUSE_MS);
                if (i >= 0) {
                    afterReturn[i] = Math.max(0, callback.at() - returned);
                    roundTrip[i] = callback.at() - sent;
                    callbackFirst += callback.at() < returned ? 1 : 0;
                }
            }
            Report.figure("patch_latency" + suffix + "_p50", micros(Report.percentile(afterReturn, 50)), "ms");
            Report.figure("patch_latency" + suffix + "_p99", micros(Report.percentile(afterReturn, 99)), "ms");
            Report.figure("patch_latency" + suffix + "_max", micros(Report.percentile(afterReturn, 100)), "ms");
            Report.figure("patch_roundtrip" + suffix + "_p50", micros(Report.percentile(roundTrip, 50)), "ms");
            Report.figure("patch_roundtrip" + suffix + "_p99", micros(Report.percentile(roundTrip, 99)), "ms");
            Report.note("patch latency over %s: %d patches after %d warm-up, SDK clients in the bench process, emulator"
                    + " in its own (in memory); latency = PATCH returned -> callback (0 when the callback came first:"
                    + " %d of %d), round trip = PATCH sent -> callback", protocol, PATCHES, WARM_UP, callbackFirst,
                    PATCHES);
        } finally {
            client.close();
        }
    }

    private static Callback awaitPatch(BlockingQueue<Callback> callbacks, int n) throws InterruptedException {
        while (true) {
            Callback callback = callbacks.poll(10, TimeUnit.SECONDS);
            if (callback == null) {
                throw new IllegalStateException("no desired-properties callback for patch " + n + " within 10 s");
            }
            if (callback.n() == n) {
                return callback;
            }
        }
    }

    private static double micros(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private PatchLatency() {
    }
}
