package dev.iothub.tools.common;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The {@code Name=value;Name=value} fields of an IoT Hub connection string, with the checks that
 * service and module connection strings share. Messages never contain the key.
 */
final class ConnectionStringFields {
    static final String HOST_NAME = "HostName";
    static final String KEY_NAME = "SharedAccessKeyName";
    static final String KEY = "SharedAccessKey";
    static final String DEVICE_ID = "DeviceId";
    static final String MODULE_ID = "ModuleId";
    static final String GATEWAY_HOST_NAME = "GatewayHostName";

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_\\-.]+");

    private final Map<String, String> fields;

    private ConnectionStringFields(Map<String, String> fields) {
        this.fields = fields;
    }

    /** The option's value; a usage error (exit 2) if neither -c nor the environment variable gave one. */
    static <T> T required(T value, CommandSpec command, String environmentVariable) {
        if (value == null) {
            throw new ParameterException(command.commandLine(),
                    "no connection string: pass -c/--connection-string or set " + environmentVariable);
        }
        return value;
    }

    static ConnectionStringFields parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the connection string is empty");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.strip().split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int equals = part.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("the connection string is not a list of Name=value fields separated by ';'");
            }
            String name = part.substring(0, equals).strip();
            String value = part.substring(equals + 1).strip();
            if (name.equals(KEY)) {
                Secrets.register(value);
            }
            if (fields.put(name, value) != null) {
                throw new IllegalArgumentException("the connection string has " + name + " twice");
            }
        }
        return new ConnectionStringFields(fields);
    }

    boolean has(String name) {
        return fields.containsKey(name);
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(fields.get(name)).filter(value -> !value.isEmpty());
    }

    String required(String name, String hint) {
        return optional(name).orElseThrow(() -> new IllegalArgumentException("the connection string has no " + name + hint));
    }

    String hostName() {
        String host = required(HOST_NAME, " (expected HostName=<hub>.azure-devices.net)");
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("HostName '" + host + "' is not a host name: letters, digits, '-', '_' and '.' only, no port or scheme");
        }
        return host;
    }

    String key() {
        String key = required(KEY, " (SharedAccessKey=<base64 key>)");
        try {
            if (Base64.getDecoder().decode(key).length == 0) {
                throw new IllegalArgumentException("empty");
            }
        } catch (IllegalArgumentException notBase64) {
            throw new IllegalArgumentException("the connection string's SharedAccessKey is not a valid base64 key");
        }
        return key;
    }
}
