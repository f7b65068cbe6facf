package dev.iothub.emulator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

/**
 * The put-token exchange on {@code $cbs} as both SDK families make it (message-id a uuid for Java, a string
 * for Node; {@code name} plain or URL-encoded), and the checks every answer must pass: the message-id echoed
 * as correlation-id with its AMQP type, {@code status-code} an AMQP int.
 */
public final class PutToken {

    private PutToken() {
    }

    public static Message request(Object messageId, String operation, String name, String token) {
        Message request = Proton.message();
        Properties properties = new Properties();
        properties.setMessageId(messageId);
        properties.setTo("$cbs");
        properties.setReplyTo("cbs");
        request.setProperties(properties);
        request.setApplicationProperties(new ApplicationProperties(Map.of("operation", operation,
                "type", "servicebus.windows.net:sastoken", "name", name)));
        request.setBody(new AmqpValue(token));
        return request;
    }

    /** Sends {@code request} on a fresh pair of {@code $cbs} links and answers the hub's response to it. */
    public static RawAmqpClient.Received exchange(RawAmqpClient client, Session session, Message request) {
        return exchange(client, client.sender(session, "$cbs", SenderSettleMode.UNSETTLED),
                client.receiver(session, "$cbs", SenderSettleMode.UNSETTLED), request);
    }

    /** Sends {@code request} on the client's {@code $cbs} links and answers the hub's response to it. */
    public static RawAmqpClient.Received exchange(RawAmqpClient client, Sender sender, Receiver receiver,
                                                  Message request) {
        Delivery delivery = client.send(sender, request);
        RawAmqpClient.Received response = client.receive(receiver);
        client.await("the disposition of the put-token", () -> delivery.getRemoteState() != null);
        Object correlationId = response.message().getCorrelationId();
        assertEquals(request.getMessageId(), correlationId, "the correlation-id echoes the message-id");
        assertEquals(request.getMessageId().getClass(), correlationId.getClass(), "with its AMQP type");
        return response;
    }

    public static void assertStatus(int status, RawAmqpClient.Received response) {
        Object code = applicationProperty(response, "status-code");
        assertInstanceOf(Integer.class, code, "status-code is an AMQP int");
        assertEquals(status, code, String.valueOf(applicationProperty(response, "status-description")));
    }

    public static Object applicationProperty(RawAmqpClient.Received response, String name) {
        return response.message().getApplicationProperties().getValue().get(name);
    }
}
