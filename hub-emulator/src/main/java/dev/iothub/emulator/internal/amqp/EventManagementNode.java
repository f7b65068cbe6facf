package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.events.BuiltInEndpoint;
import dev.iothub.emulator.internal.events.EventHubAccess;
import dev.iothub.emulator.internal.events.PartitionProperties;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.message.Message;

/**
 * The built-in endpoint's {@code $management} node on one connection: READ of the entity ({@code
 * com.microsoft:eventhub}: its name, creation time, partition count and ids) and of a partition
 * ({@code com.microsoft:partition}: its first and last sequence numbers, last offset and enqueued time, and whether
 * it is empty). Java casts each value to one type exactly: the ids are an AMQP array of strings, the times
 * timestamps, the sequence numbers longs, the offset a string. A client must have put a token first, or give one in
 * {@code security_token}, as the Java client does.
 */
final class EventManagementNode {
    private final BuiltInEndpoint endpoint;
    private final EventHubAccess access;
    private final BooleanSupplier authorized;
    private final OutgoingLink answers;

    EventManagementNode(BuiltInEndpoint endpoint, EventHubAccess access, BooleanSupplier authorized,
                        AmqpHandler handler) {
        this.endpoint = endpoint;
        this.access = access;
        this.authorized = authorized;
        this.answers = new OutgoingLink("$management", handler);
    }

    /** The client's link that takes this node's answers. */
    OutgoingLink answers() {
        return answers;
    }

    void request(Message request) {
        Object requestId = AmqpMessages.messageId(request);
        Object token = AmqpMessages.applicationProperty(request, "security_token");
        if (!authorized.getAsBoolean() && !(token instanceof String text && access.refusal(text) == null)) {
            answers.send(answer(requestId, 401, "Unauthorized: put a token for the entity " + access.entity()
                    + " first.", null));
            return;
        }
        Object operation = AmqpMessages.applicationProperty(request, "operation");
        Object type = AmqpMessages.applicationProperty(request, "type");
        Object name = AmqpMessages.applicationProperty(request, "name");
        if (!"READ".equals(operation)) {
            answers.send(answer(requestId, 400, "The operation " + operation + " is not supported.", null));
        } else if (!(name instanceof String entity) || !access.isEntity(entity)) {
            answers.send(answer(requestId, 404, "The messaging entity '" + name + "' could not be found.", null));
        } else if ("com.microsoft:eventhub".equals(type)) {
            answers.send(answer(requestId, 200, "OK", entity()));
        } else if ("com.microsoft:partition".equals(type)) {
            Object partitionId = AmqpMessages.applicationProperty(request, "partition");
            OptionalInt partition = endpoint.partition(String.valueOf(partitionId));
            answers.send(partition.isPresent() ? answer(requestId, 200, "OK", partition(partition.getAsInt()))
                    : answer(requestId, 404, "The partition '" + partitionId + "' could not be found.", null));
        } else {
            answers.send(answer(requestId, 400, "The type " + type + " is not supported.", null));
        }
    }

    private Map<String, Object> entity() {
        Map<String, Object> values = new HashMap<>();
        values.put("name", access.entity());
        values.put("type", "com.microsoft:eventhub");
        values.put("created_at", Date.from(endpoint.createdAt()));
        values.put("partition_count", endpoint.partitionCount());
        String[] ids = new String[endpoint.partitionCount()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Integer.toString(i);
        }
        values.put("partition_ids", ids);
        return values;
    }

    private Map<String, Object> partition(int partition) {
        PartitionProperties properties = endpoint.properties(partition);
        Map<String, Object> values = new HashMap<>();
        values.put("name", access.entity());
        values.put("type", "com.microsoft:partition");
        values.put("partition", Integer.toString(partition));
        values.put("begin_sequence_number", properties.beginSequence());
        values.put("last_enqueued_sequence_number", properties.lastSequence());
        values.put("last_enqueued_offset", Long.toString(properties.lastSequence()));
        values.put("last_enqueued_time_utc", Date.from(properties.lastEnqueued()));
        values.put("is_partition_empty", properties.empty());
        return values;
    }

    /** An answer as CBS answers, with the values read in its body. */
    private static Message answer(Object requestId, int status, String description, Map<String, Object> body) {
        Message message = AmqpMessages.cbsResponse(requestId, status, description);
        message.setBody(new AmqpValue(body));
        return message;
    }
}
