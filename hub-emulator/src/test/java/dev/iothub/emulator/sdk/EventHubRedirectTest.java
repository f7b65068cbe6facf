package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.azure.messaging.eventhubs.EventHubClientBuilder;
import com.azure.messaging.eventhubs.EventHubConsumerClient;
import com.azure.messaging.eventhubs.models.EventPosition;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An Event Hubs client given the IoT Hub's own host and connection string, as the Azure CLI's
 * {@code az iot hub monitor-events} and the Event Hubs samples for IoT Hub are, is sent to the built-in endpoint: a
 * receiver of {@code messages/events} gets {@code amqp:link:redirect} with the endpoint's host, port and address,
 * from which the client builds the endpoint's connection string, and then reads.
 */
class EventHubRedirectTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.79");
    /** How the Event Hubs sample for IoT Hub reads the entity out of the redirect's address. */
    private static final Pattern ENTITY = Pattern.compile(":\\d+/(.*)/\\$management", Pattern.CASE_INSENSITIVE);
    private static SSLContext previousDefault;

    @BeforeAll
    static void trustTheEmulator() throws Exception {
        previousDefault = SSLContext.getDefault();
        SSLContext.setDefault(hub().clientSslContext());
    }

    @AfterAll
    static void restoreTrust() {
        SSLContext.setDefault(previousDefault);
    }

    /**
     * The sample's way (a token for {@code {host}/messages/events}) and the CLI's (a token for the hub); then the
     * sample's: the entity from the address, an Event Hubs connection string of the same policy, and a consumer.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/messages/events", ""})
    void aClientFollowingTheRedirectReadsWhatADeviceSent(String tokenScope) throws Exception {
        TelemetryMessage sent = send("redirected" + tokenScope.replace('/', '-'), "found");
        ErrorCondition redirect = redirect("iothubowner", hub().hostName() + tokenScope,
                "amqps://" + hub().hostName() + "/messages/events/$management");

        assertEquals("amqp:link:redirect", redirect.getCondition().toString());
        Map<?, ?> info = redirect.getInfo();
        String address = "amqps://" + hub().hostName() + ":5671/hub-emulator/$management";
        assertEquals(Map.of(Symbol.valueOf("hostname"), hub().hostName(), Symbol.valueOf("network-host"),
                hub().hostName(), Symbol.valueOf("port"), 5671, Symbol.valueOf("address"), address), info);

        Matcher entity = ENTITY.matcher((String) info.get(Symbol.valueOf("address")));
        entity.find();
        String eventHub = "Endpoint=sb://" + info.get(Symbol.valueOf("hostname")) + "/;EntityPath=" + entity.group(1)
                + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + key("iothubowner");
        try (EventHubConsumerClient consumer = new EventHubClientBuilder().connectionString(eventHub)
                .consumerGroup("$Default").buildConsumerClient()) {
            List<String> read = new ArrayList<>();
            for (PartitionEvent event : consumer.receiveFromPartition(Integer.toString(sent.partition()), 1,
                    EventPosition.fromSequenceNumber(sent.sequenceNumber(), true), Duration.ofSeconds(30))) {
                read.add(event.getData().getBodyAsString());
            }
            assertEquals(List.of("found"), read);
        }
    }

    @Test
    void theEventsPathItselfRedirectsToTheEntity() throws Exception {
        ErrorCondition redirect = redirect("service", hub().hostName(), "/messages/events");

        assertEquals("amqps://" + hub().hostName() + ":5671/hub-emulator/",
                redirect.getInfo().get(Symbol.valueOf("address")));
    }

    @Test
    void aPolicyWithoutServiceConnectIsNotRedirected() throws Exception {
        try (RawAmqpClient client = RawAmqpClient.plain(socket(), "registryRead@sas.root.127",
                token("registryRead", hub().hostName() + "/messages/events"))) {
            client.awaitPeerClosed();
            assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.transport().sasl().getOutcome());
        }
    }

    /** What a receiver of {@code address} gets, on a connection of {@code policy}'s token for {@code resource}. */
    private static ErrorCondition redirect(String policy, String resource, String address) throws Exception {
        try (RawAmqpClient client = RawAmqpClient.plain(socket(), policy + "@sas.root." + hubName(),
                token(policy, resource))) {
            client.open(hub().hostName());
            Receiver receiver = client.receiver(client.session(), address, SenderSettleMode.UNSETTLED);
            client.await("the hub's Detach", () -> receiver.getRemoteState() == EndpointState.CLOSED);
            assertNull(receiver.getRemoteSource(), "the hub's Attach has no source: the link is not its own");
            return receiver.getRemoteCondition();
        }
    }

    private static String token(String policy, String resource) {
        return SharedAccessSignature.sign(resource, key(policy), policy, Instant.now().plusSeconds(300));
    }

    private static TelemetryMessage send(String deviceId, String body) throws Exception {
        DeviceClient device = new DeviceClient(hub().deviceConnectionString(deviceId), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub().clientSslContext()).build());
        device.open(true);
        try {
            device.sendEvent(new Message(body), 10_000);
        } finally {
            device.close();
        }
        return hub().receivedTelemetry().stream().filter(message -> message.deviceId().equals(deviceId))
                .reduce((first, second) -> second).orElseThrow();
    }

    private static RawSocket socket() throws Exception {
        return RawSocket.tls(hub().clientSslContext(), hub().hostName(), RawAmqpClient.PORT);
    }

    /** The hub's name as the sample takes it: the host name's first label. */
    private static String hubName() {
        return hub().hostName().split("\\.")[0];
    }

    private static String key(String policy) {
        return ExternalHub.valueOf(hub().connectionString(policy), "SharedAccessKey");
    }

    private static HubEmulator hub() {
        return emulator.hub();
    }
}
