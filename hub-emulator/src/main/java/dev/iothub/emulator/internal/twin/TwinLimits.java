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
 * string values at most 4 KB; at most 10 levels of nested objects.
 */
public final class TwinLimits {
    public static final int MAX_PROPERTIES_BYTES = 32 * 1024;
    public static final int MAX_TAGS_BYTES = 8 * 1024;
    static final int MAX_DEPTH = 10;
    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_STRING_BYTES = 4 * 1024;

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
            for (JsonNode element : value) {
                checkValue(path, element, depth + 1);
            }
        } else if (value.isTextual() && utf8Length(value.textValue()) > MAX_STRING_BYTES) {
            throw HubException.badFormat("String value of " + path + " exceeds " + MAX_STRING_BYTES + " bytes.");
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
