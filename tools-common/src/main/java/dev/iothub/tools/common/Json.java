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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Strict JSON in, compact JSON out, with gson (which both SDKs bring). */
public final class Json {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private Json() {
    }

    /** Parses strict JSON (no comments, unquoted names or trailing text) that must be an object. */
    public static JsonObject parseObject(String text) {
        JsonElement element;
        try (JsonReader reader = new JsonReader(new StringReader(text))) {
            reader.setLenient(false);
            element = GSON.getAdapter(JsonElement.class).read(reader);
            if (reader.peek() != JsonToken.END_DOCUMENT) {
                throw new IllegalArgumentException("not valid JSON: unexpected text after the JSON value");
            }
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
        }
        if (element == null || !element.isJsonObject()) {
            throw new IllegalArgumentException("must be a JSON object ({\"name\": value, ...}), not "
                    + (element == null || element.isJsonNull() ? "null" : element.isJsonArray() ? "an array" : "a single value"));
        }
        return element.getAsJsonObject();
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
