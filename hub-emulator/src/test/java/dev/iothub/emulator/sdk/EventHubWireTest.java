package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.EventHubTokens;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the Event Hubs clients other than Java's send to the built-in endpoint, and what they need back, on the
 * wire: JS's string message-ids, {@code {entity}/$management} and the selector filter's numeric descriptor; the C SDK
 * end-to-end helper's and the Azure CLI's absolute addresses, {@code $default} and the unquoted
 * {@code x-opt-enqueuedtimeutc}; the exact AMQP types of the management node's answers; and the refusals.
 */
class EventHubWireTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.71");
    private static final Symbol SELECTOR = Symbol.valueOf("apache.org:selector-filter:string");

    @Test
    void theManagementNodeAnswersWithTheTypesEachClientCastsTo() throws Exception {
        try (RawAmqpClient client = connected()) {
            Session session = client.session();
            assertStatus(200, PutToken.exchange(client, session, PutToken.request(UUID.randomUUID().toString(),
                    "put-token", audience("sb", "/$management"), token(audience("sb", "/$management")))));
            Sender requests = client.sender(session, "hub-emulator/$management", SenderSettleMode.UNSETTLED);
            Receiver answers = client.receiver(session, "hub-emulator/$management", SenderSettleMode.UNSETTLED);

            RawAmqpClient.Received entity = PutToken.exchange(client, requests, answers,
                    read(UUID.randomUUID().toString(), "com.microsoft:eventhub", null));
            assertStatus(200, entity);
            Map<?, ?> values = (Map<?, ?>) ((AmqpValue) entity.message().getBody()).getValue();
            assertEquals("hub-emulator", values.get("name"));
            assertArrayEquals(new String[] {"0", "1", "2", "3"}, (String[]) values.get("partition_ids"));
            assertEquals(4, values.get("partition_count"));
            assertInstanceOf(Date.class, values.get("created_at"));

            RawAmqpClient.Received partition = PutToken.exchange(client, requests, answers,
                    read(UnsignedLong.valueOf(7), "com.microsoft:partition", "2"));
            assertStatus(200, partition);
            Map<?, ?> state = (Map<?, ?>) ((AmqpValue) partition.message().getBody()).getValue();
            assertEquals("2", state.get("partition"));
            assertInstanceOf(Long.class, state.get("begin_sequence_number"));
            assertInstanceOf(Long.class, state.get("last_enqueued_sequence_number"));
            assertInstanceOf(String.class, state.get("last_enqueued_offset"));
            assertInstanceOf(Date.class, state.get("last_enqueued_time_utc"));
            assertInstanceOf(Boolean.class, state.get("is_partition_empty"));

            assertStatus(404, PutToken.exchange(client, requests, answers,
                    read(UnsignedLong.valueOf(8), "com.microsoft:partition", "4")));
        }
    }

    /** The C SDK's helper and the CLI: an absolute address, $default, and the older annotation, unquoted. */
    @Test
    void aReceiverReadsFromTheFilterEachClientWrites() throws Exception {
        Instant before = Instant.now().minusSeconds(330);
        TelemetryMessage sent = send("wire-device", "hello");
        try (RawAmqpClient client = connected()) {
            Session session = client.session();
            String partition = "hub-emulator/ConsumerGroups/$Default/Partitions/" + sent.partition();
            assertStatus(200, PutToken.exchange(client, session, PutToken.request(UnsignedLong.valueOf(1),
                    "put-token", audience("amqp", "/ConsumerGroups/$Default/Partitions/" + sent.partition()),
                    token(audience("amqp", "")))));

            Receiver cSdk = receiver(client, session, "amqps://" + host() + "/" + partition.replace("$Default",
                    "$default"), SELECTOR, "amqp.annotation.x-opt-enqueuedtimeutc > " + before.toEpochMilli());
            Message event = last(client, cSdk, sent);
            assertEquals("hello", new String(((Data) event.getBody()).getValue().getArray(), StandardCharsets.UTF_8));
            Map<Symbol, Object> annotations = event.getMessageAnnotations().getValue();
            assertEquals(sent.sequenceNumber(), annotations.get(Symbol.valueOf("x-opt-sequence-number")));
            assertEquals(Long.toString(sent.sequenceNumber()), annotations.get(Symbol.valueOf("x-opt-offset")));
            assertEquals(Date.from(sent.enqueuedTime()), annotations.get(Symbol.valueOf("x-opt-enqueued-time")));
            assertEquals(Date.from(sent.enqueuedTime()), annotations.get(Symbol.valueOf("iothub-enqueuedtime")));
            assertEquals("wire-device", annotations.get(Symbol.valueOf("iothub-connection-device-id")));

            Receiver js = receiver(client, session, partition, UnsignedLong.valueOf(0x468C00000004L),
                    "amqp.annotation.x-opt-sequence-number >= '" + sent.sequenceNumber() + "'");
            assertEquals(sent.sequenceNumber(), client.receive(js).message().getMessageAnnotations().getValue()
                    .get(Symbol.valueOf("x-opt-sequence-number")));
        }
    }

    @Test
    void linksTheHubDoesNotServeAreRefusedAsEventHubsRefusesThem() throws Exception {
        try (RawAmqpClient client = connected()) {
            Session session = client.session();
            assertDetached(client, receiver(client, session, "hub-emulator/ConsumerGroups/$Default/Partitions/0",
                    SELECTOR, "amqp.annotation.x-opt-offset > '-1'"), "amqp:unauthorized-access");
            assertStatus(200, PutToken.exchange(client, session, PutToken.request(UnsignedLong.valueOf(1),
                    "put-token", audience("amqp", ""), token(audience("amqp", "")))));

            assertDetached(client, receiver(client, session, "hub-emulator/ConsumerGroups/nope/Partitions/0",
                    SELECTOR, "amqp.annotation.x-opt-offset > '-1'"), "amqp:not-found");
            assertDetached(client, receiver(client, session, "hub-emulator/ConsumerGroups/$Default/Partitions/4",
                    SELECTOR, "amqp.annotation.x-opt-offset > '-1'"), "amqp:not-found");
        }
    }

    @Test
    void aTokenOfAWrongKeyOrOfAPolicyWithoutServiceConnectIsRefused() throws Exception {
        try (RawAmqpClient client = connected()) {
            Session session = client.session();
            Sender cbs = client.sender(session, "$cbs", SenderSettleMode.UNSETTLED);
            Receiver answers = client.receiver(session, "$cbs", SenderSettleMode.UNSETTLED);
            String audience = audience("sb", "");
            String iotHubSigned = SharedAccessSignature.sign(audience, key("iothubowner"), "iothubowner",
                    Instant.now().plusSeconds(600));
            for (String refused : new String[] {sign(audience, "iothubowner", "not the key", 600),
                    sign(audience, "iothubowner", key("iothubowner"), -10),
                    sign(audience, "registryRead", key("registryRead"), 600), iotHubSigned}) {
                assertStatus(401, PutToken.exchange(client, cbs, answers, PutToken.request(UUID.randomUUID(),
                        "put-token", audience, refused)));
            }
            assertStatus(200, PutToken.exchange(client, cbs, answers, PutToken.request(UUID.randomUUID(),
                    "put-token", audience, token(audience))));
        }
    }

    private static RawAmqpClient connected() throws Exception {
        RawAmqpClient client = new RawAmqpClient(hub().clientSslContext(), host(), true);
        client.open(host());
        return client;
    }

    private static Receiver receiver(RawAmqpClient client, Session session, String address, Object descriptor,
                                     String expression) {
        Receiver receiver = session.receiver("receiver-" + System.nanoTime());
        Source source = new Source();
        source.setAddress(address);
        source.setFilter(Map.of(SELECTOR, new Filter(descriptor, expression)));
        receiver.setSource(source);
        receiver.setTarget(new Target());
        receiver.setReceiverSettleMode(ReceiverSettleMode.SECOND);
        return client.attached(receiver, 100);
    }

    /** The event on {@code receiver} that is {@code sent}: others may come first. */
    private static Message last(RawAmqpClient client, Receiver receiver, TelemetryMessage sent) {
        while (true) {
            Message event = client.receive(receiver).message();
            if (Long.valueOf(sent.sequenceNumber()).equals(event.getMessageAnnotations().getValue()
                    .get(Symbol.valueOf("x-opt-sequence-number")))) {
                return event;
            }
        }
    }

    private static void assertDetached(RawAmqpClient client, Receiver receiver, String condition) {
        client.await("the hub's Detach", () -> receiver.getRemoteState() == EndpointState.CLOSED);
        assertEquals(condition, receiver.getRemoteCondition().getCondition().toString());
    }

    private static Message read(Object messageId, String type, String partition) {
        Message request = Proton.message();
        Properties properties = new Properties();
        properties.setMessageId(messageId);
        properties.setReplyTo("management-reply");
        request.setProperties(properties);
        Map<String, Object> values = new HashMap<>(Map.of("operation", "READ", "type", type,
                "name", "hub-emulator"));
        if (partition != null) {
            values.put("partition", partition);
        }
        request.setApplicationProperties(new ApplicationProperties(values));
        return request;
    }

    private static String audience(String scheme, String below) {
        return scheme + "://" + host() + "/hub-emulator" + below;
    }

    private static String token(String audience) {
        return sign(audience, "iothubowner", key("iothubowner"), 600);
    }

    private static String sign(String audience, String policy, String key, long seconds) {
        return EventHubTokens.sign(audience, policy, key, seconds);
    }

    private static String key(String policy) {
        return ExternalHub.valueOf(hub().connectionString(policy), "SharedAccessKey");
    }

    private static TelemetryMessage send(String deviceId, String body) throws Exception {
        DeviceClient device = new DeviceClient(hub().deviceConnectionString(deviceId), IotHubClientProtocol.AMQPS,
                ClientOptions.builder().sslContext(hub().clientSslContext()).build());
        device.open(true);
        try {
            device.sendEvent(new com.microsoft.azure.sdk.iot.device.Message(body), 10_000);
        } finally {
            device.close();
        }
        return hub().receivedTelemetry().stream().filter(message -> message.deviceId().equals(deviceId))
                .reduce((first, second) -> second).orElseThrow();
    }

    private static HubEmulator hub() {
        return emulator.hub();
    }

    private static String host() {
        return hub().hostName();
    }

    /** A described filter value, with either descriptor the clients write. */
    private record Filter(Object descriptor, String described) implements DescribedType {
        @Override
        public Object getDescriptor() {
            return descriptor;
        }

        @Override
        public Object getDescribed() {
            return described;
        }
    }
}
