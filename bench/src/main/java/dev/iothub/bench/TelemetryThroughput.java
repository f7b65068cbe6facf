package dev.iothub.bench;

import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import reactor.core.Disposable;

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
            SSLContext.setDefault(device.tls()); // the Event Hubs client trusts the JVM's default
            BlockingQueue<Long> arrivals = new LinkedBlockingQueue<>(); // each message's time from send to receipt
            EventHubConsumerAsyncClient consumer = new EventHubClientBuilder()
                    .connectionString(hub.eventHubConnectionString()).consumerGroup("$Default")
                    .buildAsyncConsumerClient();
            // from the start of each partition, empty until the first send: nothing is sent before a receiver attaches
            Disposable reading = consumer.receive(true).subscribe(event -> {
                Object sentAt = event.getData().getProperties().get(SENT_AT);
                if (sentAt != null) {
                    arrivals.add(System.nanoTime() - Long.parseLong((String) sentAt));
                }
            }, error -> Report.note("d2c-throughput: the consumer failed: %s", error));
            try {
                measure(device, IotHubClientProtocol.MQTT, arrivals, suffix);
                measure(device, IotHubClientProtocol.AMQPS, arrivals, suffix);
            } finally {
                reading.dispose();
                consumer.close();
            }
        }
    }

    private static void measure(SdkDevice device, IotHubClientProtocol protocol, BlockingQueue<Long> arrivals,
                                String suffix) throws Exception {
        DeviceClient client = device.client(protocol);
        client.open(false);
        try {
            String name = protocol.name().toLowerCase(Locale.ROOT) + suffix;
            long[] latency = new long[LATENCY_SAMPLES];
            for (int i = -WARM_UP; i < LATENCY_SAMPLES; i++) {
                client.sendEventAsync(message(i), null, null);
                long taken = awaitArrival(arrivals);
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
                awaitArrival(arrivals);
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

    private static long awaitArrival(BlockingQueue<Long> arrivals) throws InterruptedException {
        Long taken = arrivals.poll(60, TimeUnit.SECONDS);
        if (taken == null) {
            throw new IllegalStateException("a message did not reach the consumer within 60 s");
        }
        return taken;
    }

    private TelemetryThroughput() {
    }
}
