package dev.iothub.bench;

import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Cloud-to-device throughput with feedback: the service SDK's {@code MessagingClient} sends messages asking for full
 * feedback to one {@code DeviceClient}, which completes each, over MQTT and then over AMQPS; the figure is messages
 * per second from the first send to the last feedback record. At most 40 messages are in the hub's queue at once
 * (sent, their feedback not yet come), under its 50 per device. SDK clients in the bench process, the emulator in its own (in memory).
 */
final class CloudToDeviceThroughput {
    private static final int WARM_UP = 100;
    private static final int MESSAGES = 2_000;
    private static final int IN_FLIGHT = 40;

    static void run(String address) throws Exception {
        try (Emulator hub = Emulator.start(address, null)) {
            SdkDevice device = SdkDevice.register(hub, "c2d");
            Semaphore feedbackRecords = new Semaphore(0); // a permit per record
            Semaphore queued = new Semaphore(IN_FLIGHT); // a message leaves the hub's queue as its feedback comes
            MessageFeedbackProcessorClient feedback = new MessageFeedbackProcessorClient(hub.serviceConnectionString(),
                    IotHubServiceClientProtocol.AMQPS, batch -> {
                        feedbackRecords.release(batch.getRecords().size());
                        queued.release(batch.getRecords().size());
                        return AcknowledgementType.COMPLETE;
                    }, MessageFeedbackProcessorClientOptions.builder().sslContext(device.tls()).build());
            MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                    MessagingClientOptions.builder().sslContext(device.tls()).build());
            feedback.start();
            messaging.open();
            try {
                measure(device, messaging, queued, feedbackRecords, IotHubClientProtocol.MQTT);
                measure(device, messaging, queued, feedbackRecords, IotHubClientProtocol.AMQPS);
            } finally {
                messaging.close();
                feedback.stop();
            }
        }
    }

    private static void measure(SdkDevice device, MessagingClient messaging, Semaphore queued,
                                Semaphore feedbackRecords, IotHubClientProtocol protocol) throws Exception {
        CountDownLatch received = new CountDownLatch(WARM_UP + MESSAGES);
        DeviceClient client = device.client(protocol);
        client.setMessageCallback((message, context) -> {
            received.countDown();
            return IotHubMessageResult.COMPLETE;
        }, null);
        client.open(false);
        try {
            send(device, messaging, queued, WARM_UP);
            awaitFeedback(feedbackRecords, WARM_UP);
            long start = System.nanoTime();
            send(device, messaging, queued, MESSAGES);
            if (!received.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException(received.getCount() + " messages never reached the device");
            }
            awaitFeedback(feedbackRecords, MESSAGES);
            double seconds = (System.nanoTime() - start) / 1e9;
            String name = protocol.name().toLowerCase(Locale.ROOT);
            Report.figure("c2d_throughput_" + name, Math.round(MESSAGES / seconds), "messages/s");
            Report.note("cloud-to-device over %s: %d messages after %d warm-up, at most %d in the hub's queue, each"
                    + " completed and its full feedback record received, in %.1f s", protocol, MESSAGES, WARM_UP,
                    IN_FLIGHT, seconds);
        } finally {
            client.close();
        }
    }

    /**
     * Sends without waiting for each disposition: the SDK's sender link sends what is queued on a 200 ms timer
     * (CloudToDeviceMessageSenderLinkHandler), so a synchronous send takes up to 200 ms whatever the hub does.
     */
    private static void send(SdkDevice device, MessagingClient messaging, Semaphore queued, int count)
            throws InterruptedException {
        for (int i = 0; i < count; i++) {
            queued.acquire();
            Message message = new Message(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
            messaging.sendAsync(device.id(), message, result -> {
                if (!result.wasSentSuccessfully()) {
                    System.out.println("# c2d-throughput: a message was not sent: " + result.getException());
                }
            }, null);
        }
    }

    /** Waits for {@code count} feedback records: the hub sends them as each message is settled. */
    private static void awaitFeedback(Semaphore records, int count) throws InterruptedException {
        if (!records.tryAcquire(count, 60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("fewer than " + count + " feedback records within 60 s");
        }
    }

    private CloudToDeviceThroughput() {
    }
}
