package dev.iothub.tools.updatemoduletwin;

import com.google.gson.JsonObject;
import com.microsoft.azure.sdk.iot.service.twin.TwinCollection;
import dev.iothub.tools.common.CheckingConverter;
import dev.iothub.tools.common.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** The {@code --desired} value: a JSON object given inline or as {@code @file}. */
record DesiredPatch(JsonObject json) {

    DesiredPatch {
        if (json.size() == 0) {
            throw new IllegalArgumentException("must set at least one desired property: {} changes nothing "
                    + "(a property set to null is removed)");
        }
        checkNames(json, "");
    }

    /** IoT Hub's rule for twin property names: no '.', '$', space or control characters (checked at every depth). */
    private static void checkNames(JsonObject object, String path) {
        for (var entry : object.entrySet()) {
            String name = entry.getKey();
            if (name.isEmpty() || name.chars().anyMatch(c -> c == '.' || c == '$' || c == ' ' || Character.isISOControl(c))) {
                throw new IllegalArgumentException("property name '" + path + name + "' is not allowed in a twin: "
                        + "names may not be empty or contain '.', '$', spaces or control characters");
            }
            if (entry.getValue().isJsonObject()) {
                checkNames(entry.getValue().getAsJsonObject(), path + name + "/");
            }
        }
    }

    String text() {
        return Json.compact(json);
    }

    /** As the service SDK's collection; a name the SDK refuses is a usage error. */
    TwinCollection toTwinCollection(CommandLine commandLine) {
        try {
            TwinCollection collection = new TwinCollection();
            collection.putAll(Json.toMap(json));
            return collection;
        } catch (IllegalArgumentException refused) {
            throw new ParameterException(commandLine, "Invalid value for option '--desired': " + refused.getMessage());
        }
    }

    static final class Converter extends CheckingConverter<DesiredPatch> {
        @Override
        protected DesiredPatch parse(String value) {
            if (!value.startsWith("@")) {
                return new DesiredPatch(Json.parseObject(value));
            }
            if (value.equals("@-")) { // as curl's -d @-: standard input
                try {
                    return new DesiredPatch(Json.parseObject(new String(System.in.readAllBytes(), StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read standard input: " + e.getMessage());
                }
            }
            Path file = Path.of(value.substring(1));
            try {
                return new DesiredPatch(Json.parseObject(Files.readString(file)));
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("no such file: " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
            }
        }
    }
}
