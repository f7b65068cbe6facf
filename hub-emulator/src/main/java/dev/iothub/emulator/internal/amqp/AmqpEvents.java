package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.events.Event;
import dev.iothub.emulator.internal.events.PartitionProperties;
import dev.iothub.emulator.internal.events.Telemetry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * An event as Event Hubs clients read it: the annotations they require with the types they cast to
 * ({@code x-opt-sequence-number} a long, {@code x-opt-offset} a string, {@code x-opt-enqueued-time} and
 * {@code iothub-enqueuedtime} timestamps), the hub's system properties, the device's properties, and the body in one
 * Data section, empty if the device sent none.
 */
final class AmqpEvents {
    private static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    private static final Symbol OFFSET = Symbol.valueOf("x-opt-offset");
    private static final Symbol ENQUEUED_TIME = Symbol.valueOf("x-opt-enqueued-time");

    private AmqpEvents() {
    }

    static Message message(Event event) {
        Message message = Message.Factory.create();
        Map<Symbol, Object> annotations = new LinkedHashMap<>();
        annotations.put(SEQUENCE_NUMBER, event.sequence());
        annotations.put(OFFSET, event.offset());
        annotations.put(ENQUEUED_TIME, Date.from(event.enqueued()));
        event.systemProperties().forEach((name, value) -> annotations.put(Symbol.valueOf(name), value));
        annotations.put(Symbol.valueOf(Event.IOTHUB_ENQUEUED_TIME), Date.from(event.enqueued()));
        Telemetry sent = event.telemetry();
        sent.annotations().forEach((name, value) -> annotations.put(Symbol.valueOf(name), value));
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        if (sent.messageId() != null || sent.correlationId() != null || sent.userId() != null
                || sent.contentType() != null || sent.contentEncoding() != null) {
            Properties properties = new Properties();
            properties.setMessageId(sent.messageId());
            properties.setCorrelationId(sent.correlationId());
            if (sent.userId() != null) {
                properties.setUserId(new Binary(sent.userId().getBytes(StandardCharsets.UTF_8)));
            }
            properties.setContentType(sent.contentType() == null ? null : Symbol.valueOf(sent.contentType()));
            properties.setContentEncoding(sent.contentEncoding() == null ? null
                    : Symbol.valueOf(sent.contentEncoding()));
            message.setProperties(properties);
        }
        if (!sent.properties().isEmpty()) {
            message.setApplicationProperties(new ApplicationProperties(new LinkedHashMap<>(sent.properties())));
        }
        message.setBody(new Data(new Binary(sent.body())));
        return message;
    }

    /**
     * What a receiver that asked for the partition's runtime information gets with each event (Java reads all four):
     * the partition's last event, and when the hub said so.
     */
    static DeliveryAnnotations runtimeInformation(PartitionProperties partition, Instant now) {
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(Symbol.valueOf("last_enqueued_sequence_number"), partition.lastSequence());
        annotations.put(Symbol.valueOf("last_enqueued_offset"), Long.toString(partition.lastSequence()));
        annotations.put(Symbol.valueOf("last_enqueued_time_utc"), Date.from(partition.lastEnqueued()));
        annotations.put(Symbol.valueOf("runtime_info_retrieval_time_utc"), Date.from(now));
        return new DeliveryAnnotations(annotations);
    }
}
