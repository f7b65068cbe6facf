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
        /** How much of an invalid inline patch an error shows: enough to see what the shell did, one line still. */
        private static final int SHOWN_LENGTH = 120;

        @Override
        protected DesiredPatch parse(String value) {
            if (!value.startsWith("@")) {
                return new DesiredPatch(parseInline(value));
            }
            if (value.equals("@-")) { // as curl's -d @-: standard input
                if (System.console() != null) { // a person at a terminal, who may not know it waits for them
                    System.err.println("reading the desired patch from standard input (end with Ctrl-D)");
                }
                try {
                    return new DesiredPatch(parseRead(new String(System.in.readAllBytes(), StandardCharsets.UTF_8),
                            "standard input"));
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read standard input: " + e.getMessage());
                }
            }
            Path file = Path.of(value.substring(1));
            try {
                return new DesiredPatch(parseRead(Files.readString(file), file.toString()));
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException("no such file: " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
            }
        }

        /** Read from {@code source}: said so when there was nothing to read, rather than that the JSON "ends too soon". */
        private static JsonObject parseRead(String text, String source) {
            if (text.isBlank()) {
                throw new IllegalArgumentException(source + " was empty: it should hold the patch, a JSON object");
            }
            return Json.parseObject(text);
        }

        /**
         * Given on the command line: the shell may have changed it before the tool saw it ({@code {"a":1}} unquoted
         * arrives as {@code {a:1}}), so a mistake shows what came, and without any double quote, how to quote.
         */
        private static JsonObject parseInline(String text) {
            try {
                return Json.parseObject(text);
            } catch (IllegalArgumentException invalid) {
                if (text.isBlank() || !invalid.getMessage().startsWith("not valid JSON")) {
                    throw invalid;
                }
                String quoting = text.indexOf('"') >= 0 ? "" : "; if you typed double quotes, the shell removed them: "
                        + "put single quotes around the JSON, as in --desired '{\"name\":1}'";
                String received = text.length() <= SHOWN_LENGTH ? text : text.substring(0, SHOWN_LENGTH) + "…";
                throw new IllegalArgumentException(invalid.getMessage() + " (the tool received " + received + quoting + ")");
            }
        }
    }
}
