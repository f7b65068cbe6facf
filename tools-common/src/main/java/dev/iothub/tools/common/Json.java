package dev.iothub.tools.common;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict JSON in, compact JSON out, with gson (which both SDKs bring). */
public final class Json {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    private static final Pattern POSITION = Pattern.compile("line (\\d+) column (\\d+)");

    private Json() {
    }

    /**
     * Parses strict JSON (no comments, unquoted names, trailing commas or trailing text) that must be an object
     * with no name twice in any object; a mistake is said in our own words, with its line and column.
     */
    public static JsonObject parseObject(String text) {
        JsonElement element;
        try {
            try (JsonReader check = new JsonReader(new StringReader(text))) {
                check.setLenient(false);
                checkNoNameTwice(check);
            }
            try (JsonReader reader = new JsonReader(new StringReader(text))) {
                reader.setLenient(false);
                element = GSON.getAdapter(JsonElement.class).read(reader);
                if (reader.peek() != JsonToken.END_DOCUMENT) {
                    throw new IllegalArgumentException("not valid JSON: there is more after the JSON value");
                }
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(inOurWords(e));
        }
        if (element == null || !element.isJsonObject()) {
            throw new IllegalArgumentException("must be a JSON object ({\"name\": value, ...}), not "
                    + (element == null || element.isJsonNull() ? "null" : element.isJsonArray() ? "an array" : "a single value"));
        }
        return element.getAsJsonObject();
    }

    /** Reads one value, refusing an object that names a member twice (gson would keep the last silently). */
    private static void checkNoNameTwice(JsonReader reader) throws IOException {
        switch (reader.peek()) {
            case BEGIN_OBJECT -> {
                Set<String> names = new HashSet<>();
                reader.beginObject();
                while (reader.hasNext()) {
                    String name = reader.nextName();
                    if (!names.add(name)) {
                        throw new IllegalArgumentException("not valid here: the name \"" + name + "\" appears twice in "
                                + "one object (" + where(reader) + ")");
                    }
                    checkNoNameTwice(reader);
                }
                reader.endObject();
            }
            case BEGIN_ARRAY -> {
                reader.beginArray();
                while (reader.hasNext()) {
                    checkNoNameTwice(reader);
                }
                reader.endArray();
            }
            default -> reader.skipValue();
        }
    }

    /** gson's message ("Use JsonReader.setLenient(true) to accept malformed JSON at line 1 column 2 path $") said plainly. */
    private static String inOurWords(Exception e) {
        String message = String.valueOf(e.getMessage());
        Matcher position = POSITION.matcher(message);
        String where = position.find() ? " at line " + position.group(1) + ", column " + position.group(2) : "";
        String what;
        if (message.startsWith("End of input")) {
            what = "it ends too soon (a closing bracket or quote is missing)";
        } else if (message.startsWith("Unterminated")) {
            what = "a string, object or array is not closed";
        } else {
            what = "names and strings need double quotes, and JSON has no comments or trailing commas";
        }
        return "not valid JSON" + where + ": " + what;
    }

    private static String where(JsonReader reader) {
        Matcher position = POSITION.matcher(reader.toString());
        return position.find() ? "line " + position.group(1) + ", column " + position.group(2) : "at " + reader.getPath();
    }

    /** The object as plain Java maps, lists, strings, numbers, booleans and nulls, as the SDKs' TwinCollection takes them. */
    public static Map<String, Object> toMap(JsonObject object) {
        Map<String, Object> map = new LinkedHashMap<>();
        object.entrySet().forEach(entry -> map.put(entry.getKey(), toJava(entry.getValue())));
        return map;
    }

    private static Object toJava(JsonElement element) {
        if (element.isJsonObject()) {
            return toMap(element.getAsJsonObject());
        }
        if (element.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonElement item : (JsonArray) element) {
                list.add(toJava(item));
            }
            return list;
        }
        if (element.isJsonNull()) {
            return null;
        }
        JsonPrimitive primitive = element.getAsJsonPrimitive();
        if (primitive.isBoolean()) {
            return primitive.getAsBoolean();
        }
        if (primitive.isNumber()) {
            return primitive.getAsNumber();
        }
        return primitive.getAsString();
    }

    public static JsonElement toTree(Object value) {
        return GSON.toJsonTree(value);
    }

    public static String compact(JsonElement element) {
        return GSON.toJson(element);
    }
}
