package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawSocket;
import java.util.Locale;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sasl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Event Hubs clients' WebSocket: {@code /$servicebus/websocket} (Java's and JS's), or with a trailing slash
 * (.NET's and uamqp's), subprotocol {@code AMQPWSB10}, leads to the hub's AMQP and so to its built-in endpoint;
 * another subprotocol there is refused as on {@code /$iothub/websocket}. The Java client's own reading over it is in
 * {@link EventHubConsumerTest}.
 */
class ServiceBusWebSocketTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.75");

    @ParameterizedTest
    @ValueSource(strings = {"/$servicebus/websocket", "/$servicebus/websocket/"})
    void anUpgradeForAmqpLeadsToTheBuiltInEndpoint(String path) throws Exception {
        RawSocket socket = RawSocket.webSocket(emulator.hub().clientSslContext(), host(), path, "AMQPWSB10");
        assertTrue(socket.upgradeResponse().toLowerCase(Locale.ROOT).contains("\r\nsec-websocket-protocol: amqpwsb10\r\n"),
                socket.upgradeResponse());
        try (RawAmqpClient client = new RawAmqpClient(socket, "MSSBCBS")) {
            client.open(host());
            assertEquals(Sasl.SaslOutcome.PN_SASL_OK, client.transport().sasl().getOutcome());

            Receiver partition = client.receiver(client.session(), "hub-emulator/ConsumerGroups/$Default/Partitions/0",
                    SenderSettleMode.UNSETTLED);

            client.await("the hub's Detach", () -> partition.getRemoteState() == EndpointState.CLOSED);
            assertEquals("amqp:unauthorized-access", partition.getRemoteCondition().getCondition().toString());
            assertEquals("Unauthorized access: put a token for hub-emulator first.",
                    partition.getRemoteCondition().getDescription());
        }
    }

    /** MQTT is served on /$iothub/websocket only: the hub answers an upgrade asking for another subprotocol 400. */
    @Test
    void anUpgradeForAnotherSubprotocolIs400() throws Exception {
        for (String path : new String[] {"/$servicebus/websocket", "/$servicebus/websocket/"}) {
            for (String subprotocol : new String[] {"mqtt", "MQTT", "foo"}) {
                String answer = RawSocket.upgradeAnswer(emulator.hub().clientSslContext(), host(), path, subprotocol);
                assertTrue(answer.startsWith("HTTP/1.1 400 "), path + " " + subprotocol + ":\n" + answer);
            }
        }
        assertTrue(RawSocket.upgradeAnswer(emulator.hub().clientSslContext(), host(), "/$servicebus/websocket",
                "mqtt, AMQPWSB10").startsWith("HTTP/1.1 101 "));
    }

    private static String host() {
        return emulator.hub().hostName();
    }
}
