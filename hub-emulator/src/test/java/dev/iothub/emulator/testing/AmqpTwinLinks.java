package dev.iothub.emulator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.message.Message;

/**
 * A raw client's twin links, and a twin request on them as the SDKs send one: the operation and resource as message
 * annotations, the request's id as correlation-id, the body one Data section.
 */
public record AmqpTwinLinks(RawAmqpClient client, Sender sender, Receiver receiver) {
    public static final Symbol OPERATION = Symbol.valueOf("operation");
    public static final Symbol RESOURCE = Symbol.valueOf("resource");
    public static final Symbol STATUS = Symbol.valueOf("status");
    public static final Symbol VERSION = Symbol.valueOf("version");

    /** Sends the request ({@code resource} null for none) and answers the hub's next message on the twin link. */
    public RawAmqpClient.Received request(Object correlationId, String operation, String resource, String body) {
        Message request = Proton.message();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationId);
        request.setProperties(properties);
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(OPERATION, operation);
        if (resource != null) {
            annotations.put(RESOURCE, resource);
        }
        request.setMessageAnnotations(new MessageAnnotations(annotations));
        request.setBody(new Data(new Binary(body.getBytes(StandardCharsets.UTF_8))));
        client.send(sender, request);
        return client.receive(receiver);
    }

    /** The hub's answer has the status annotation {@code status}, an AMQP int. */
    public static void assertStatusAnnotation(int status, RawAmqpClient.Received answer) {
        Object value = annotation(answer, STATUS);
        assertInstanceOf(Integer.class, value, "status is an AMQP int");
        assertEquals(status, value);
    }

    /** The message annotation {@code key} of what the hub sent, or null. */
    public static Object annotation(RawAmqpClient.Received received, Symbol key) {
        MessageAnnotations annotations = received.message().getMessageAnnotations();
        return annotations == null ? null : annotations.getValue().get(key);
    }
}
