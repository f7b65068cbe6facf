package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.events.Partitions;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.EmulatorLog;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnknownDescribedType;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SASL PLAIN on the built-in endpoint, as the C SDK's end-to-end helper gives it
 * (testtools/iothub_test/src/iothubtest.c): the user name {@code iothubowner} and the policy's key itself, then no
 * put-token at all, only its receiver on the partition its device's id hashes to. And the Azure CLI's form, a
 * service client's ({@code {policy}@sas.root.{hub}} and an IoT Hub token), which reads no partition: on the hub that
 * connection is to the IoT Hub host, which redirects it, and the CLI reconnects with CBS.
 */
class EventHubSaslPlainTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.74");
    private static final Symbol SELECTOR = Symbol.valueOf("apache.org:selector-filter:string");

    @Test
    void theCSdksEndToEndHelperReadsWithThePolicysKey() throws Exception {
        long testStart = Instant.now().getEpochSecond();
        send("plain-reader", "read with the policy's key");
        String address = "hub-emulator/ConsumerGroups/$Default/Partitions/" + new Partitions(4).of("plain-reader");
        try (RawAmqpClient client = plain("iothubowner", key("iothubowner"))) {
            client.open(host());
            assertEquals(Sasl.SaslOutcome.PN_SASL_OK, client.transport().sasl().getOutcome());

            Receiver receiver = client.session().receiver("receiver-link");
            Source source = new Source();
            source.setAddress(address);
            source.setFilter(Map.of(SELECTOR, new UnknownDescribedType(SELECTOR,
                    "amqp.annotation.x-opt-enqueuedtimeutc > " + (testStart - 330) * 1000)));
            receiver.setSource(source);
            Target target = new Target();
            target.setAddress(address);
            receiver.setTarget(target);
            receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
            client.attached(receiver, 100);

            Message event;
            do {
                event = client.receive(receiver).message();
            } while (!"plain-reader".equals(event.getMessageAnnotations().getValue()
                    .get(Symbol.valueOf("iothub-connection-device-id"))));
            assertEquals("read with the policy's key", new String(((Data) event.getBody()).getValue().getArray(),
                    StandardCharsets.UTF_8));
        }
    }

    @Test
    void aWrongKeyOrAPolicyWithoutServiceConnectIsRefused() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        Map<String, String> refusals = Map.of(
                "iothubowner " + wrongKey, "its password is not the key of a shared access policy of this hub",
                "iothubowner " + key("service"), "its password is not the key of a shared access policy of this hub",
                "registryRead " + key("registryRead"), "the policy registryRead does not grant ServiceConnect",
                "device " + key("device"), "the policy device does not grant ServiceConnect");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            String[] credentials = refusal.getKey().split(" ");
            try (EmulatorLog log = EmulatorLog.capture();
                 RawAmqpClient client = plain(credentials[0], credentials[1])) {
                client.awaitPeerClosed();

                assertEquals(Sasl.SaslOutcome.PN_SASL_AUTH, client.transport().sasl().getOutcome(), credentials[0]);
                log.await("closed: the client's SASL was refused: " + refusal.getValue());
                assertFalse(log.text().contains(credentials[1]), "no key in the log:\n" + log.text());
            }
        }
    }

    /** The CLI's form lets a service client in, which may not read the built-in endpoint's partitions. */
    @Test
    void aServiceClientsPlainReadsNoPartition() throws Exception {
        String token = SharedAccessSignature.sign(host(), key("iothubowner"), "iothubowner",
                Instant.now().plusSeconds(3600));
        try (RawAmqpClient client = plain("iothubowner@sas.root." + host().split("\\.")[0], token)) {
            client.open(host());
            assertEquals(Sasl.SaslOutcome.PN_SASL_OK, client.transport().sasl().getOutcome());
            Session session = client.session();

            Receiver partition = client.receiver(session, "hub-emulator/ConsumerGroups/$Default/Partitions/0",
                    SenderSettleMode.UNSETTLED);

            client.await("the hub's Detach", () -> partition.getRemoteState() == EndpointState.CLOSED);
            assertEquals("amqp:unauthorized-access", partition.getRemoteCondition().getCondition().toString());
        }
    }

    private static RawAmqpClient plain(String user, String password) throws Exception {
        return RawAmqpClient.plain(RawSocket.tls(emulator.hub().clientSslContext(), host(), RawAmqpClient.PORT), user,
                password);
    }

    private static void send(String deviceId, String body) throws Exception {
        DeviceClient device = new DeviceClient(emulator.hub().deviceConnectionString(deviceId),
                IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(emulator.hub().clientSslContext()).build());
        device.open(true);
        try {
            device.sendEvent(new com.microsoft.azure.sdk.iot.device.Message(body), 10_000);
        } finally {
            device.close();
        }
    }

    private static String key(String policy) {
        return ExternalHub.valueOf(emulator.hub().connectionString(policy), "SharedAccessKey");
    }

    private static String host() {
        return emulator.hub().hostName();
    }
}
