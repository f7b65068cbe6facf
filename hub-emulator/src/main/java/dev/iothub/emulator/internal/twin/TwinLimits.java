package dev.iothub.emulator.internal.twin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * The hub's twin limits (IoT Hub docs, "Understand device twins"): desired and reported at most
 * 32 KB each and tags 8 KB; keys at most 1 KB of UTF-8 without '.', '$', ' ' or control characters;
 * string values at most 4 KB; integers within ±2^52 and no number beyond a double; at most 10 levels of
 * nesting, arrays counted as objects are; no null inside an array (the hub's team, azure-iot-sdk-csharp
 * issue 1741: "by design").
 */
public final class TwinLimits {
    public static final int MAX_PROPERTIES_BYTES = 32 * 1024;
    public static final int MAX_TAGS_BYTES = 8 * 1024;
    static final int MAX_DEPTH = 10;
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_STRING_BYTES = 4 * 1024;
    static final long MAX_INTEGER = 4503599627370495L;
    static final long MIN_INTEGER = -4503599627370496L;

    private TwinLimits() {
    }

    /** Checks the keys, strings and depth of what a request asks to write into {@code section}. */
    public static void checkContent(String section, ObjectNode node) {
        checkContent(section, node, 1);
    }

    private static void checkContent(String path, JsonNode node, int depth) {
        if (depth > MAX_DEPTH) {
            throw HubException.badFormat("Nesting depth of " + path + " exceeds the maximum of " + MAX_DEPTH + ".");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            checkKey(path, field.getKey());
            checkValue(path + "." + field.getKey(), field.getValue(), depth);
        }
    }

    private static void checkValue(String path, JsonNode value, int depth) {
        if (value.isObject()) {
            checkContent(path, value, depth + 1);
        } else if (value.isArray()) {
            checkArray(path, value, depth + 1);
        } else if (value.isTextual() && utf8Length(value.textValue()) > MAX_STRING_BYTES) {
            throw HubException.badFormat("String value of " + path + " exceeds " + MAX_STRING_BYTES + " bytes.");
        } else if (value.isNumber()) {
            checkNumber(path, value);
        }
    }

    private static void checkArray(String path, JsonNode array, int depth) {
        if (depth > MAX_DEPTH) {
            throw HubException.badFormat("Nesting depth of " + path + " exceeds the maximum of " + MAX_DEPTH + ".");
        }
        for (JsonNode element : array) {
            if (element.isNull()) {
                throw HubException.badFormat("Value of Property or Tag cannot be null. Error in an array of " + path + ".");
            }
            checkValue(path, element, depth);
        }
    }

    private static void checkNumber(String path, JsonNode number) {
        boolean fits = number.isIntegralNumber()
                ? number.canConvertToLong() && number.longValue() >= MIN_INTEGER && number.longValue() <= MAX_INTEGER
                : Double.isFinite(number.doubleValue());
        if (!fits) {
            throw HubException.badFormat("The number in " + path + " is beyond what the hub stores: integers from "
                    + MIN_INTEGER + " to " + MAX_INTEGER + ", and doubles.");
        }
    }

    private static void checkKey(String path, String key) {
        if (key.isEmpty() || utf8Length(key) > MAX_KEY_BYTES) {
            throw HubException.badFormat("Property name in " + path + " must be 1 to " + MAX_KEY_BYTES + " bytes long.");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '.' || c == '$' || c == ' ' || Character.isISOControl(c)) {
                throw HubException.badFormat("Property name '" + printable(key) + "' in " + path
                        + " contains a character the hub does not allow ('.', '$', space or control).");
            }
        }
    }

    /** Checks the size a section has after a change. */
    public static void checkSize(String section, ObjectNode values, int maxBytes) {
        int size = Json.bytes(values).length;
        if (size > maxBytes) {
            throw HubException.badFormat("The size of " + section + " (" + size + " bytes) exceeds the maximum of "
                    + maxBytes + " bytes.");
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String printable(String key) {
        StringBuilder out = new StringBuilder();
        key.codePoints().limit(64).forEach(c -> out.append(Character.isISOControl(c) ? '?' : Character.toString(c)));
        return out.toString();
    }
}
