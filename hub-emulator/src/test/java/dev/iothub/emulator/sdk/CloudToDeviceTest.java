package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubDeviceMaximumQueueDepthExceededException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubMessageTooLargeException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.messaging.AcknowledgementType;
import com.microsoft.azure.sdk.iot.service.messaging.DeliveryAcknowledgement;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackRecord;
import com.microsoft.azure.sdk.iot.service.messaging.FeedbackStatusCode;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessageFeedbackProcessorClientOptions;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.HubUnderTest;
import dev.iothub.emulator.testing.RawRest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cloud-to-device messages as the Java SDKs use them: the service's MessagingClient sends, a DeviceClient's message
 * callback receives and completes, abandons or rejects, and the service's feedback receiver hears what became of
 * each message; the registry counts what waits, a purge empties the queue, and the hub's limits hold.
 */
class CloudToDeviceTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.63");

    private static final ConcurrentLinkedQueue<FeedbackRecord> feedback = new ConcurrentLinkedQueue<>();
    private static MessageFeedbackProcessorClient feedbackReceiver;

    @BeforeAll
    static void receiveFeedback() throws Exception {
        Function<com.microsoft.azure.sdk.iot.service.messaging.FeedbackBatch, AcknowledgementType> take = batch -> {
            feedback.addAll(batch.getRecords());
            return AcknowledgementType.COMPLETE;
        };
        feedbackReceiver = new MessageFeedbackProcessorClient(hub.serviceConnectionString(),
                IotHubServiceClientProtocol.AMQPS, take,
                MessageFeedbackProcessorClientOptions.builder().sslContext(hub.clientSslContext()).build());
        feedbackReceiver.start();
    }

    @AfterAll
    static void stopFeedback() throws Exception {
        feedbackReceiver.stop();
    }

    static Stream<Arguments> protocols() {
        return Stream.of(
                Arguments.of(IotHubClientProtocol.MQTT, IotHubServiceClientProtocol.AMQPS),
                Arguments.of(IotHubClientProtocol.MQTT_WS, IotHubServiceClientProtocol.AMQPS_WS),
                Arguments.of(IotHubClientProtocol.AMQPS, IotHubServiceClientProtocol.AMQPS),
                Arguments.of(IotHubClientProtocol.AMQPS_WS, IotHubServiceClientProtocol.AMQPS_WS),
                Arguments.of(IotHubClientProtocol.HTTPS, IotHubServiceClientProtocol.AMQPS));
    }

    @ParameterizedTest
    @MethodSource("protocols")
    void aMessageReachesTheDeviceWithItsPropertiesAndIsCompleted(IotHubClientProtocol device,
                                                                 IotHubServiceClientProtocol service) throws Exception {
        String deviceId = hub.deviceId("c2d-" + device.name().toLowerCase());
        String key = create(deviceId);
        Message sent = new Message("hello, device".getBytes(StandardCharsets.UTF_8));
        sent.setMessageId(UUID.randomUUID().toString());
        sent.setCorrelationId("correlation/1 + 2 = 3&more");
        sent.setProperties(Map.of("color", "blue green", "path", "a/b?c=d&e"));

        send(service, deviceId, sent);
        assertEquals(1L, count(deviceId), "waits in the queue while the device is away");
        assertEquals(1, new TwinClient(hub.serviceConnectionString()).get(deviceId).getCloudToDeviceMessageCount(),
                "the twin counts it too");
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
        DeviceClient client = receiving(deviceId, key, device, received, List.of(IotHubMessageResult.COMPLETE));
        try {
            com.microsoft.azure.sdk.iot.device.Message message = received.poll(30, TimeUnit.SECONDS);
            assertArrayEquals("hello, device".getBytes(StandardCharsets.UTF_8), message.getBytes());
            assertEquals(sent.getMessageId(), message.getMessageId());
            assertEquals("correlation/1 + 2 = 3&more", message.getCorrelationId());
            assertEquals("blue green", message.getProperty("color"));
            assertEquals("a/b?c=d&e", message.getProperty("path"));
            awaitFeedback(sent.getMessageId(), FeedbackStatusCode.success);
            assertEquals(0L, count(deviceId));
        } finally {
            client.close();
        }
    }

    /**
     * The hub's docs say modules take no cloud-to-device messages, yet the Java SDKs send to and receive as a
     * module, and the Java SDK's own e2e tests do so against the real hub (ReceiveMessagesCommon): the emulator
     * keeps a queue per module too.
     */
    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"MQTT", "AMQPS"})
    void aModuleReceivesTheMessagesSentToIt(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.deviceId("c2d-module-" + protocol.name().toLowerCase());
        create(deviceId);
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        String key = registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS)).getPrimaryKey();
        Message sent = message("to the module");
        send(IotHubServiceClientProtocol.AMQPS, deviceId, "m", sent);
        assertEquals(1L, registry.getModule(deviceId, "m").getCloudToDeviceMessageCount());
        assertEquals(0L, count(deviceId), "the device's own queue is another");

        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
        ModuleClient module = new ModuleClient("HostName=" + hub.hostName() + ";DeviceId=" + deviceId
                + ";ModuleId=m;SharedAccessKey=" + key, protocol,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        module.setMessageCallback((message, context) -> {
            received.add(message);
            return IotHubMessageResult.COMPLETE;
        }, null);
        module.open(true);
        try {
            assertEquals(sent.getMessageId(), received.poll(30, TimeUnit.SECONDS).getMessageId());
            awaitFeedback(sent.getMessageId(), FeedbackStatusCode.success);
            assertEquals(0L, registry.getModule(deviceId, "m").getCloudToDeviceMessageCount());
        } finally {
            module.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = IotHubClientProtocol.class, names = {"AMQPS", "HTTPS"})
    void anAbandonedMessageComesAgainAndARejectedOneDoesNot(IotHubClientProtocol protocol) throws Exception {
        String deviceId = hub.deviceId("c2d-abandon-" + protocol.name().toLowerCase());
        String key = create(deviceId);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
        DeviceClient client = receiving(deviceId, key, protocol, received,
                List.of(IotHubMessageResult.ABANDON, IotHubMessageResult.COMPLETE, IotHubMessageResult.REJECT));
        try {
            Message first = message("abandoned, then completed");
            send(IotHubServiceClientProtocol.AMQPS, deviceId, first);
            assertEquals(first.getMessageId(), received.poll(30, TimeUnit.SECONDS).getMessageId());
            assertEquals(first.getMessageId(), received.poll(30, TimeUnit.SECONDS).getMessageId(), "redelivered");
            awaitFeedback(first.getMessageId(), FeedbackStatusCode.success);

            Message second = message("rejected");
            send(IotHubServiceClientProtocol.AMQPS, deviceId, second);
            assertEquals(second.getMessageId(), received.poll(30, TimeUnit.SECONDS).getMessageId());
            awaitFeedback(second.getMessageId(), FeedbackStatusCode.rejected);
            assertEquals(0L, count(deviceId));
            assertEquals(null, received.poll(500, TimeUnit.MILLISECONDS), "a rejected message is not delivered again");
        } finally {
            client.close();
        }
    }

    /**
     * A positive acknowledgement asks for feedback on success only, a negative one on failure only: of four messages
     * completed and rejected in turn, only the first and the last get feedback, which the hub sends as each is settled.
     */
    @Test
    void positiveAndNegativeAcknowledgementsGiveFeedbackOnlyForTheirOutcome() throws Exception {
        String deviceId = hub.deviceId("c2d-ack-kinds");
        String key = create(deviceId);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
        DeviceClient client = receiving(deviceId, key, IotHubClientProtocol.AMQPS, received, List.of(
                IotHubMessageResult.COMPLETE, IotHubMessageResult.REJECT, IotHubMessageResult.COMPLETE,
                IotHubMessageResult.REJECT));
        try {
            List<Message> sent = new ArrayList<>();
            for (DeliveryAcknowledgement ack : List.of(DeliveryAcknowledgement.PositiveOnly,
                    DeliveryAcknowledgement.PositiveOnly, DeliveryAcknowledgement.NegativeOnly,
                    DeliveryAcknowledgement.NegativeOnly)) {
                Message message = message(ack.name());
                message.setDeliveryAcknowledgement(ack);
                send(IotHubServiceClientProtocol.AMQPS, deviceId, message);
                assertEquals(message.getMessageId(), received.poll(30, TimeUnit.SECONDS).getMessageId());
                sent.add(message);
            }

            awaitFeedback(sent.get(0).getMessageId(), FeedbackStatusCode.success);
            awaitFeedback(sent.get(3).getMessageId(), FeedbackStatusCode.rejected);
            for (Message silent : sent.subList(1, 3)) {
                assertTrue(feedback.stream().noneMatch(record -> silent.getMessageId()
                        .equals(record.getOriginalMessageId())), "no feedback for " + silent.getDeliveryAcknowledgement()
                        + " and the other outcome");
            }
        } finally {
            client.close();
        }
    }

    @Test
    void aMessageAbandonedTenTimesIsDeadLettered() throws Exception {
        String deviceId = hub.deviceId("c2d-abandoned");
        String key = create(deviceId);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
        DeviceClient client = receiving(deviceId, key, IotHubClientProtocol.AMQPS, received,
                List.of(IotHubMessageResult.ABANDON));
        try {
            Message abandoned = message("never wanted");
            send(IotHubServiceClientProtocol.AMQPS, deviceId, abandoned);

            awaitFeedback(abandoned.getMessageId(), FeedbackStatusCode.deliveryCountExceeded);
            assertEquals(10, received.size(), "the hub's maxDeliveryCount");
            assertEquals(0L, count(deviceId));
        } finally {
            client.close();
        }
    }

    /** The Java service SDK's own e2e sizes (MessagingClientTests): 65,000 bytes go, 256,000 are too large. */
    @Test
    void aMessageOfUpTo64KbWithItsPropertiesIsTaken() throws Exception {
        String deviceId = hub.deviceId("c2d-size");
        create(deviceId);
        MessagingClient client = messagingClient(IotHubServiceClientProtocol.AMQPS);
        try {
            client.send(deviceId, new Message(new byte[65_000]));
            assertThrows(IotHubMessageTooLargeException.class, () -> client.send(deviceId, new Message(new byte[256_000])));
        } finally {
            client.close();
        }
        assertEquals(1L, count(deviceId));
    }

    @Test
    void aMessageExpiresWhileTheDeviceIsAway() throws Exception {
        String deviceId = hub.deviceId("c2d-expiry");
        create(deviceId);
        Message expiring = message("too late");
        expiring.setExpiryTimeUtc(new Date(System.currentTimeMillis() + 1_000));

        send(IotHubServiceClientProtocol.AMQPS, deviceId, expiring);

        awaitFeedback(expiring.getMessageId(), FeedbackStatusCode.expired);
        assertEquals(0L, count(deviceId));
    }

    @Test
    void aQueueHoldsFiftyMessagesAndAPurgeEmptiesIt() throws Exception {
        String deviceId = hub.deviceId("c2d-full");
        create(deviceId);
        MessagingClient client = messagingClient(IotHubServiceClientProtocol.AMQPS);
        try {
            for (int i = 0; i < 50; i++) {
                client.send(deviceId, message("message " + i));
            }
            assertThrows(IotHubDeviceMaximumQueueDepthExceededException.class,
                    () -> client.send(deviceId, message("one too many")));
            assertThrows(IotHubNotFoundException.class, () -> client.send(hub.deviceId("c2d-nobody"), message("x")));
        } finally {
            client.close();
        }
        assertEquals(50L, count(deviceId));

        RawRest rest = new RawRest(hub);
        HttpResponse<String> purged = rest.send("DELETE", "/devices/" + deviceId + "/commands" + RawRest.API, null,
                rest.ownerToken());

        assertEquals(200, purged.statusCode());
        assertEquals("{\"deviceId\":\"" + deviceId + "\",\"totalMessagesPurged\":50}", purged.body());
        assertEquals(0L, count(deviceId));
        assertEquals(404, rest.send("DELETE", "/devices/" + hub.deviceId("c2d-nobody") + "/commands" + RawRest.API,
                null, rest.ownerToken()).statusCode());
    }

    private static Message message(String body) {
        Message message = new Message(body.getBytes(StandardCharsets.UTF_8));
        message.setMessageId(UUID.randomUUID().toString());
        message.setDeliveryAcknowledgement(DeliveryAcknowledgement.Full);
        return message;
    }

    private static String create(String deviceId) throws Exception {
        return new RegistryClient(hub.serviceConnectionString())
                .addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
    }

    private static long count(String deviceId) throws Exception {
        return new RegistryClient(hub.serviceConnectionString()).getDevice(deviceId).getCloudToDeviceMessageCount();
    }

    private static MessagingClient messagingClient(IotHubServiceClientProtocol protocol) throws Exception {
        MessagingClient client = new MessagingClient(hub.serviceConnectionString(), protocol,
                MessagingClientOptions.builder().sslContext(hub.clientSslContext()).build());
        client.open();
        return client;
    }

    private static void send(IotHubServiceClientProtocol protocol, String deviceId, Message message) throws Exception {
        send(protocol, deviceId, null, message);
    }

    /** Sends {@code message} to the device, or to its module {@code moduleId} if not null, on a client of its own. */
    private static void send(IotHubServiceClientProtocol protocol, String deviceId, String moduleId, Message message)
            throws Exception {
        MessagingClient client = messagingClient(protocol);
        try {
            client.send(deviceId, moduleId, message);
        } finally {
            client.close();
        }
    }

    /** A device client whose callback puts each message in {@code received} and answers {@code results} in turn. */
    private static DeviceClient receiving(String deviceId, String key, IotHubClientProtocol protocol,
                                          BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received,
                                          List<IotHubMessageResult> results) throws Exception {
        ClientOptions.ClientOptionsBuilder options = ClientOptions.builder().sslContext(hub.clientSslContext());
        if (protocol == IotHubClientProtocol.HTTPS) {
            options.receiveInterval(100); // the SDK polls every 25 minutes by default
        }
        DeviceClient client = new DeviceClient("HostName=" + hub.hostName() + ";DeviceId=" + deviceId
                + ";SharedAccessKey=" + key, protocol, options.build());
        AtomicInteger calls = new AtomicInteger();
        client.setMessageCallback((message, context) -> {
            received.add(message);
            return results.get(Math.min(calls.getAndIncrement(), results.size() - 1));
        }, null);
        client.open(true);
        return client;
    }

    private static void awaitFeedback(String messageId, FeedbackStatusCode status) throws Exception {
        try {
            Conditions.await("feedback " + status + " on " + messageId, Duration.ofSeconds(30), () -> feedback.stream()
                    .anyMatch(record -> messageId.equals(record.getOriginalMessageId()) && record.getStatusCode() == status));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the feedback received: " + feedback.stream()
                    .map(record -> record.getOriginalMessageId() + " " + record.getStatusCode()).toList(), e);
        }
    }

}
