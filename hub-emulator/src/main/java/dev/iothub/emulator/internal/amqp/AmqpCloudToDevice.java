package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.cloudtodevice.Acknowledgement;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceMessage;
import dev.iothub.emulator.internal.cloudtodevice.FeedbackRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.message.Message;

/**
 * Cloud-to-device messages in AMQP's terms: as a service sends one ({@code properties.to} and the other system
 * properties, {@code iothub-ack} among the application properties), as the hub delivers it to a device (the
 * service's properties, a Data body, and the hub's annotations of time, count and lock), and a feedback batch.
 */
final class AmqpCloudToDevice {
    private static final String ACK = "iothub-ack";
    private static final Symbol ENQUEUED_TIME = Symbol.valueOf("iothub-enqueuedtime");
    private static final Symbol DELIVERY_COUNT = Symbol.valueOf("iothub-deliverycount");
    private static final Symbol SEQUENCE_NUMBER = Symbol.valueOf("x-opt-sequence-number");
    private static final Symbol FEEDBACK_CONTENT_TYPE = Symbol.valueOf("application/vnd.microsoft.iothub.feedback.json");

    private AmqpCloudToDevice() {
    }

    /** A message as a service sent it; {@code iothub-ack} read out of its application properties. */
    static CloudToDeviceMessage read(Message message) {
        Properties properties = message.getProperties() == null ? new Properties() : message.getProperties();
        Map<String, String> applicationProperties = new LinkedHashMap<>();
        String ack = null;
        if (message.getApplicationProperties() != null && message.getApplicationProperties().getValue() != null) {
            for (Map.Entry<String, Object> property : message.getApplicationProperties().getValue().entrySet()) {
                if (ACK.equalsIgnoreCase(property.getKey())) {
                    ack = String.valueOf(property.getValue());
                } else if (property.getValue() != null) {
                    applicationProperties.put(property.getKey(), String.valueOf(property.getValue()));
                }
            }
        }
        return CloudToDeviceMessage.sent(text(properties.getMessageId()), text(properties.getCorrelationId()),
                text(properties.getUserId()), properties.getTo(),
                properties.getAbsoluteExpiryTime() == null ? null : properties.getAbsoluteExpiryTime().toInstant(),
                text(properties.getContentType()), text(properties.getContentEncoding()), Acknowledgement.parse(ack),
                applicationProperties, AmqpMessages.body(message));
    }

    /** The message as the hub delivers it to the device. */
    static Message delivered(CloudToDeviceMessage queued) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setMessageId(queued.messageId());
        properties.setCorrelationId(queued.correlationId());
        if (queued.userId() != null) {
            properties.setUserId(new Binary(queued.userId().getBytes(StandardCharsets.UTF_8)));
        }
        properties.setTo(queued.to());
        properties.setAbsoluteExpiryTime(Date.from(queued.expiry()));
        if (queued.contentType() != null) {
            properties.setContentType(Symbol.valueOf(queued.contentType()));
        }
        if (queued.contentEncoding() != null) {
            properties.setContentEncoding(Symbol.valueOf(queued.contentEncoding()));
        }
        message.setProperties(properties);
        message.setApplicationProperties(new ApplicationProperties(new HashMap<>(queued.properties())));
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(ENQUEUED_TIME, Date.from(queued.enqueued()));
        annotations.put(DELIVERY_COUNT, UnsignedByte.valueOf((byte) Math.min(queued.deliveryCount(), 255)));
        annotations.put(SEQUENCE_NUMBER, UnsignedLong.valueOf(queued.sequence()));
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        message.setBody(new Data(new Binary(queued.body())));
        return message;
    }

    /** A feedback batch as the hub sends it, from {@code hubName}: the strict readers (.NET) need each part. */
    static Message feedback(List<FeedbackRecord> records, String hubName) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setContentType(FEEDBACK_CONTENT_TYPE);
        properties.setUserId(new Binary(hubName.getBytes(StandardCharsets.UTF_8)));
        message.setProperties(properties);
        Map<Symbol, Object> annotations = new HashMap<>();
        annotations.put(ENQUEUED_TIME, Date.from(Instant.now()));
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        message.setBody(new Data(new Binary(FeedbackRecord.json(records))));
        return message;
    }

    private static String text(Object value) {
        if (value instanceof Binary binary) {
            return new String(binary.getArray(), binary.getArrayOffset(), binary.getLength(), StandardCharsets.UTF_8);
        }
        return value == null ? null : value.toString();
    }
}
