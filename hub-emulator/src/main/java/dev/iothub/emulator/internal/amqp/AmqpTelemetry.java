package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.events.Telemetry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;
import org.apache.qpid.proton.message.Message;

/**
 * Device-to-cloud messages as AMQP carries them: one message per transfer, or a batch (message format
 * {@link #BATCH_FORMAT}, as the C SDK sends telemetry) whose Data sections each hold a whole encoded message.
 * Proton-J's Message reads one body section only, so a batch is read section by section.
 */
final class AmqpTelemetry {
    /** Azure's batch format: the outer message's sections frame the messages, and its own properties are dropped. */
    static final int BATCH_FORMAT = 0x80013700;

    private AmqpTelemetry() {
    }

    /** The messages of a batch, in order; throws if it does not decode. */
    static List<Message> batch(byte[] bytes, int length) {
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, length);
        decoder.setByteBuffer(buffer);
        List<Message> messages = new ArrayList<>();
        while (buffer.hasRemaining()) {
            if (decoder.readObject() instanceof Data data) {
                Binary encoded = data.getValue();
                Message message = Message.Factory.create();
                message.decode(encoded.getArray(), encoded.getArrayOffset(), encoded.getLength());
                messages.add(message);
            }
        }
        return messages;
    }

    /** What a device sent in {@code message}: application property values as text, ids of any AMQP type as text. */
    static Telemetry telemetry(Message message) {
        Map<String, String> properties = new LinkedHashMap<>();
        if (message.getApplicationProperties() != null && message.getApplicationProperties().getValue() != null) {
            message.getApplicationProperties().getValue().forEach((name, value) -> {
                if (value != null) {
                    properties.put(String.valueOf(name), String.valueOf(value));
                }
            });
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        if (message.getMessageAnnotations() != null && message.getMessageAnnotations().getValue() != null) {
            message.getMessageAnnotations().getValue().forEach((name, value) -> {
                if (Telemetry.ANNOTATIONS.contains(name.toString()) && value != null) {
                    annotations.put(name.toString(), String.valueOf(value));
                }
            });
        }
        byte[] userId = message.getUserId();
        return new Telemetry(AmqpMessages.body(message), properties, text(message.getMessageId()),
                text(message.getCorrelationId()), userId == null ? null : new String(userId, StandardCharsets.UTF_8),
                message.getContentType(), message.getContentEncoding(), annotations);
    }

    private static String text(Object id) {
        return id == null ? null : String.valueOf(id);
    }
}
