package dev.iothub.emulator.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.error.HubException;
import java.io.IOException;
import java.time.Instant;
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

    private static final DateTimeFormatter UP_TO_SECONDS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);

    /** A twin write stamps every key it changes with the same instant: the formatter runs once a second, not per key. */
    private static volatile FormattedSecond lastSecond = new FormattedSecond(Long.MIN_VALUE, "");

    private record FormattedSecond(long epochSecond, String text) {
    }

    private Json() {
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** Parses a request body that must be one JSON object; anything else is the hub's 400. */
    public static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw HubException.badFormat("The request body is not valid JSON.");
        }
        if (node == null || !node.isObject()) {
            throw HubException.badFormat("The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
    }

    /** {@code 2016-03-31T16:58:04.9608677Z}: seven fractional digits, as the hub writes them. */
    public static String timestamp(Instant instant) {
        if (instant == null) {
            return NEVER;
        }
        FormattedSecond second = lastSecond;
        if (second.epochSecond() != instant.getEpochSecond()) {
            second = new FormattedSecond(instant.getEpochSecond(), UP_TO_SECONDS.format(instant));
            lastSecond = second;
        }
        String fraction = Integer.toString(instant.getNano() / 100);
        return new StringBuilder(second.text().length() + 8).append(second.text())
                .append("0000000", fraction.length(), 7).append(fraction).append('Z').toString();
    }
}
