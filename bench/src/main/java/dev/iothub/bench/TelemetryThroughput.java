package dev.iothub.bench;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Semaphore;

/**
 * Device-to-cloud telemetry end to end: a {@code DeviceClient} sends over MQTT and then over AMQPS, and the Event
 * Hubs client's {@code EventHubConsumerAsyncClient} reads every partition of the built-in endpoint, both in this
 * process, the emulator in its own with a data directory (each message durable before it is acknowledged), then
 * in memory, its peer without the disk. Figures per protocol: the latency of one message at a time, from its send
 * to the consumer's receipt, and the throughput with up to 100 messages unacknowledged, from the first send to the
 * last receipt; beside it, the rate at which the hub acknowledged them, which the consumer's can be read against.
 */
final class TelemetryThroughput {
    private static final int WARM_UP = 200;
    private static final int LATENCY_SAMPLES = 1_000;
    private static final int MESSAGES = 5_000;
    private static final int IN_FLIGHT = 100;
    private static final String SENT_AT = "sentAt";

    static void run(String address) throws Exception {
        Path data = Files.createTempDirectory("bench-telemetry-");
        try {
            run(address, data, "");
        } finally {
            Emulator.deleteDataDirectory(data);
        }
        run(address, null, "_memory");
    }

    /** The figures of one emulator on {@code data} (null: in memory), their names ending in {@code suffix}. */
    private static void run(String address, Path data, String suffix) throws Exception {
        try (Emulator hub = Emulator.start(address, data)) {
            SdkDevice device = SdkDevice.register(hub, "telemetry");
            try (EndpointReader endpoint = new EndpointReader(hub, device.tls())) {
                measure(device, IotHubClientProtocol.MQTT, endpoint, suffix);
                measure(device, IotHubClientProtocol.AMQPS, endpoint, suffix);
            }
        }
    }

    private static void measure(SdkDevice device, IotHubClientProtocol protocol, EndpointReader endpoint,
                                String suffix) throws Exception {
        DeviceClient client = device.client(protocol);
        client.open(false);
        try {
            String name = protocol.name().toLowerCase(Locale.ROOT) + suffix;
            long[] latency = new long[LATENCY_SAMPLES];
            for (int i = -WARM_UP; i < LATENCY_SAMPLES; i++) {
                client.sendEventAsync(message(i), null, null);
                long taken = awaitArrival(endpoint);
                if (i >= 0) {
                    latency[i] = taken;
                }
            }
            Report.figure("d2c_latency_" + name + "_p50", Report.millis(Report.percentile(latency, 50)), "ms");
            Report.figure("d2c_latency_" + name + "_p99", Report.millis(Report.percentile(latency, 99)), "ms");
            Report.note("telemetry latency over %s%s: %d messages after %d warm-up, one at a time, DeviceClient send ->"
                    + " EventHubConsumerAsyncClient receipt", protocol, where(suffix), LATENCY_SAMPLES, WARM_UP);

            Semaphore unacknowledged = new Semaphore(IN_FLIGHT);
            long start = System.nanoTime();
            long[] acknowledged = new long[1];
            for (int i = 0; i < MESSAGES; i++) {
                unacknowledged.acquire();
                client.sendEventAsync(message(i), (sent, exception, context) -> {
                    if (exception != null) {
                        Report.note("d2c-throughput: a message was not sent: %s", exception);
                    }
                    acknowledged[0] = System.nanoTime();
                    unacknowledged.release();
                }, null);
            }
            for (int i = 0; i < MESSAGES; i++) {
                awaitArrival(endpoint);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            unacknowledged.acquire(IN_FLIGHT);
            double acknowledgedSeconds = (acknowledged[0] - start) / 1e9;
            Report.figure("d2c_throughput_" + name, Math.round(MESSAGES / seconds), "messages/s");
            Report.figure("d2c_acknowledged_" + name, Math.round(MESSAGES / acknowledgedSeconds), "messages/s");
            Report.note("telemetry throughput over %s%s: %d messages, at most %d unacknowledged, first send -> last"
                    + " receipt %.1f s (last acknowledgement %.1f s)", protocol, where(suffix), MESSAGES, IN_FLIGHT,
                    seconds, acknowledgedSeconds);
        } finally {
            client.close();
        }
    }

    private static String where(String suffix) {
        return suffix.isEmpty() ? ", data directory" : ", in memory";
    }

    private static Message message(int n) {
        Message message = new Message("{\"temperature\":" + (20 + n % 10) + "}");
        message.setContentType("application/json");
        message.setProperty(SENT_AT, Long.toString(System.nanoTime()));
        return message;
    }

    /** The next message's time from its send to the consumer's receipt. */
    private static long awaitArrival(EndpointReader endpoint) throws InterruptedException {
        EndpointReader.Arrival arrival = endpoint.await(sent -> sent.event().getProperties().containsKey(SENT_AT),
                "a message");
        return arrival.at() - Long.parseLong((String) arrival.event().getProperties().get(SENT_AT));
    }

    private TelemetryThroughput() {
    }
}
