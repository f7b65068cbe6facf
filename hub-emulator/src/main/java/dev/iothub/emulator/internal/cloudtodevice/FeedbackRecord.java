package dev.iothub.emulator.internal.cloudtodevice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.json.Json;
import java.time.Instant;
import java.util.List;

/**
 * What became of one message whose service asked for feedback: {@code statusCode} is {@code Success},
 * {@code Expired}, {@code DeliveryCountExceeded}, {@code Rejected} or {@code Purged}, the hub's words.
 */
public record FeedbackRecord(String originalMessageId, String deviceId, String deviceGenerationId,
                             Instant enqueuedTimeUtc, String statusCode) {

    /**
     * A batch as the hub writes it: a compact JSON array, non-ASCII escaped, since the Java service SDK reads the
     * body through Proton-J's {@code Binary.toString()}, which spells every byte outside printable ASCII as
     * {@code \xNN}. The description repeats the status code: the C SDK reads the status from it.
     */
    public static byte[] json(List<FeedbackRecord> records) {
        ArrayNode array = Json.MAPPER.createArrayNode();
        for (FeedbackRecord record : records) {
            ObjectNode json = array.addObject();
            json.put("originalMessageId", record.originalMessageId() == null ? "" : record.originalMessageId());
            json.put("enqueuedTimeUtc", Json.timestamp(record.enqueuedTimeUtc()));
            json.put("statusCode", record.statusCode());
            json.put("description", record.statusCode());
            json.put("deviceId", record.deviceId());
            json.put("deviceGenerationId", record.deviceGenerationId());
        }
        try {
            return Json.MAPPER.writer().with(JsonWriteFeature.ESCAPE_NON_ASCII).writeValueAsBytes(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }
}
