package dev.iothub.emulator.internal.amqp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.methods.MethodRequest;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * The messages of the hub's device endpoint as the SDKs read them: a correlation-id echoed with its AMQP type
 * (Java casts it to UUID, Node compares strings), {@code status} an AMQP int, {@code version} a long, and a
 * body of exactly one Data section (Java casts the body to Data).
 */
final class AmqpMessages {
    static final Symbol OPERATION = Symbol.valueOf("operation");
    static final Symbol RESOURCE = Symbol.valueOf("resource");
    private static final Symbol STATUS = Symbol.valueOf("status");
    private static final Symbol VERSION = Symbol.valueOf("version");
    static final String METHOD_NAME = "IoThub-methodname";
    static final String METHOD_STATUS = "IoThub-status";

    private AmqpMessages() {
    }

    /** An answer to the request whose correlation-id is {@code correlationId}, with a JSON body or an empty one. */
    static Message response(Object correlationId, int status, Long version, ObjectNode body) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationId);
        message.setProperties(properties);
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(STATUS, status);
        if (version != null) {
            annotations.put(VERSION, version);
        }
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        message.setBody(new Data(new Binary(body == null ? new byte[0] : Json.bytes(body))));
        return message;
    }

    /** An error answer: the status, and a JSON body (Node parses an error's body as JSON). */
    static Message error(Object correlationId, HubException error, Instant now) {
        return response(correlationId, error.errorCode().status(), null,
                errorBody(error.errorCode().number(), error.getMessage(), now));
    }

    /** The JSON the hub's AMQP errors carry, in an answer's body or as a link error's description. */
    static ObjectNode errorBody(int errorCode, String text, Instant now) {
        ObjectNode body = Json.object();
        body.put("errorCode", errorCode);
        body.put("message", text);
        body.put("trackingId", UUID.randomUUID().toString().replace("-", ""));
        body.put("timestampUtc", Json.timestamp(now));
        body.putNull("info");
        return body;
    }

    /**
     * A direct method's request: the hub's request id as an AMQP uuid correlation-id (the C SDK takes no other
     * type, Java parses it as a UUID), the name in {@code IoThub-methodname}, the payload in one Data section.
     */
    static Message methodRequest(MethodRequest request) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(new UUID(0, request.requestId()));
        message.setProperties(properties);
        message.setApplicationProperties(new ApplicationProperties(Map.of(METHOD_NAME, request.methodName())));
        message.setBody(new Data(new Binary(request.payload())));
        return message;
    }

    /**
     * The hub's request id in a method response's correlation-id: the uuid {@link #methodRequest} sent, or the same
     * as a string or 16 bytes; null if it is none of those.
     */
    static Long methodRequestId(Object correlationId) {
        UUID uuid;
        try {
            if (correlationId instanceof UUID given) {
                uuid = given;
            } else if (correlationId instanceof String text) {
                uuid = UUID.fromString(text);
            } else if (correlationId instanceof Binary binary && binary.getLength() == 16) {
                ByteBuffer bytes = ByteBuffer.wrap(binary.getArray(), binary.getArrayOffset(), 16);
                uuid = new UUID(bytes.getLong(), bytes.getLong());
            } else {
                return null;
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return uuid.getMostSignificantBits() == 0 ? uuid.getLeastSignificantBits() : null;
    }

    /** A desired-properties change: no correlation-id, which is how every SDK tells a notification from an answer. */
    static Message desiredChange(ObjectNode patch) {
        Message message = Message.Factory.create();
        message.setMessageAnnotations(new MessageAnnotations(
                Map.of(VERSION, patch.get("$version").asLong())));
        message.setBody(new Data(new Binary(Json.bytes(patch))));
        return message;
    }

    /**
     * A CBS answer, or a management node's: {@code status-code} an AMQP int (Java ignores any other type), the
     * correlation-id the request's message-id with its AMQP type; no body.
     */
    static Message cbsResponse(Object correlationId, int status, String description) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setCorrelationId(correlationId);
        message.setProperties(properties);
        Map<String, Object> values = new HashMap<>();
        values.put("status-code", status);
        values.put("status-description", description);
        message.setApplicationProperties(new ApplicationProperties(values));
        return message;
    }

    /** The bytes of a body: a Data section, or a string or binary AmqpValue; empty if there is none. */
    static byte[] body(Message message) {
        Object body = message.getBody();
        if (body instanceof Data data && data.getValue() != null) {
            return bytes(data.getValue());
        }
        if (body instanceof AmqpValue value && value.getValue() instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof AmqpValue value && value.getValue() instanceof Binary binary) {
            return bytes(binary);
        }
        return new byte[0];
    }

    private static byte[] bytes(Binary binary) {
        return binary.getArray() == null ? new byte[0]
                : Arrays.copyOfRange(binary.getArray(), binary.getArrayOffset(), binary.getArrayOffset() + binary.getLength());
    }

    static Object annotation(Message message, Symbol key) {
        return message.getMessageAnnotations() == null || message.getMessageAnnotations().getValue() == null
                ? null : message.getMessageAnnotations().getValue().get(key);
    }

    static Object applicationProperty(Message message, String key) {
        return message.getApplicationProperties() == null || message.getApplicationProperties().getValue() == null
                ? null : message.getApplicationProperties().getValue().get(key);
    }

    static Object correlationId(Message message) {
        return message.getProperties() == null ? null : message.getProperties().getCorrelationId();
    }

    static Object messageId(Message message) {
        return message.getProperties() == null ? null : message.getProperties().getMessageId();
    }

    /** The message encoded for a transfer. */
    static byte[] encode(Message message) {
        byte[] buffer = new byte[1024];
        while (true) {
            try {
                int length = message.encode(buffer, 0, buffer.length);
                return Arrays.copyOf(buffer, length);
            } catch (BufferOverflowException e) {
                buffer = new byte[buffer.length * 2];
            }
        }
    }
}
