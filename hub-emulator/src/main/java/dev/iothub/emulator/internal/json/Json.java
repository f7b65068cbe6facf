package dev.iothub.emulator.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The one JSON mapper of the emulator, and the hub's timestamp format. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        // A request body is at most a few hundred KB; deep nesting is refused long before the twin depth check.
        MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    /** What the hub shows for a time that never happened, such as a status never updated. */
    public static final String NEVER = "0001-01-01T00:00:00Z";

    private static final DateTimeFormatter HUB_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A field's value as text, or null if it is absent or JSON null. */
    public static String textOrNull(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Parses a request body that must be one JSON object; anything else is the hub's 400. */
    public static ObjectNode parseObject(byte[] body) {
        JsonNode node = parse(body);
        if (!node.isObject()) {
            throw HubException.badFormat("The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    /** Parses a request body that must be JSON; anything else, an empty body too, is the hub's 400. */
    public static JsonNode parse(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw HubException.badFormat("The request body is not valid JSON.");
        }
        if (node == null || node.isMissingNode()) {
            throw HubException.badFormat("The request body is empty.");
        }
        return node;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /**
     * {@code 2016-03-31T16:58:04.9608677Z}: seven fractional digits, as the hub writes them. Written digit by
     * digit: a twin PATCH stamps every key it changes, and the formatter was 3 % of the emulator's work.
     */
    public static String timestamp(Instant instant) {
        if (instant == null) {
            return NEVER;
        }
        LocalDateTime time = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        if (time.getYear() < 1 || time.getYear() > 9999) {
            return HUB_TIME.format(instant); // its rules for signs and widths
        }
        char[] text = "0000-00-00T00:00:00.0000000Z".toCharArray();
        digits(text, 0, 4, time.getYear());
        digits(text, 5, 2, time.getMonthValue());
        digits(text, 8, 2, time.getDayOfMonth());
        digits(text, 11, 2, time.getHour());
        digits(text, 14, 2, time.getMinute());
        digits(text, 17, 2, time.getSecond());
        digits(text, 20, 7, time.getNano() / 100);
        return new String(text);
    }

    /** Writes {@code value} right-aligned into {@code text[at..at+width)}, over the zeros there. */
    private static void digits(char[] text, int at, int width, int value) {
        for (int i = at + width - 1; value > 0; i--, value /= 10) {
            text[i] = (char) ('0' + value % 10);
        }
    }
}
