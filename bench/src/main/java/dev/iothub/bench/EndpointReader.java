package dev.iothub.bench;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerAsyncClient;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import reactor.core.Disposable;

/**
 * An emulator's built-in endpoint as a backend reads it: azure-messaging-eventhubs' {@code EventHubConsumerAsyncClient}
 * on every partition, from its start, each event (a device's message, or one of the hub's own) stamped with the time
 * it reached this process.
 */
final class EndpointReader implements AutoCloseable {
    /** An event, and when the consumer handed it over ({@link System#nanoTime()}). */
    record Arrival(long at, EventData event) {
        String opType() {
            return (String) event.getProperties().get("opType");
        }
    }

    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final EventHubConsumerAsyncClient consumer;
    private final Disposable reading;

    /** Reads {@code hub}'s endpoint from the start of each partition, trusting {@code tls} (the hub's CA). */
    EndpointReader(Emulator hub, SSLContext tls) {
        SSLContext.setDefault(tls); // the Event Hubs client trusts the JVM's default
        consumer = new EventHubClientBuilder().connectionString(hub.eventHubConnectionString())
                .consumerGroup("$Default").buildAsyncConsumerClient();
        reading = consumer.receive(true).subscribe(
                event -> arrivals.add(new Arrival(System.nanoTime(), event.getData())),
                error -> Report.note("the Event Hubs consumer failed: %s", error));
    }

    /** The next event that {@code wanted} takes, skipping others; fails if none comes within 60 s. */
    Arrival await(Predicate<Arrival> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Arrival arrival = arrivals.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (arrival == null) {
                throw new IllegalStateException(what + " did not reach the consumer within 60 s");
            }
            if (wanted.test(arrival)) {
                return arrival;
            }
        }
    }

    @Override
    public void close() {
        reading.dispose();
        consumer.close();
    }
}
