package dev.iothub.emulator.internal.mqtt;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;

/**
 * What a CONNECT's user name, {@code {HostName}/{deviceId}[/{moduleId}]/?api-version=…&…}, says beyond who
 * connects: its query's parameters, in any order, as each SDK family writes them.
 */
final class UserName {
    private static final String MODEL_ID = "model-id";

    private UserName() {
    }

    /**
     * The IoT Plug and Play model id announced ({@code model-id}), or null if none. The C, Java, .NET and Python
     * SDKs percent-encode it ({@code dtmi%3Acom%3Aexample%3AThermostat%3B1}, the C SDK in lower case), the Node
     * SDK and the hub's MQTT tutorial write it as it is ({@code dtmi:com:example:Thermostat;1}), so a {@code ;}
     * is part of the value, not a separator. A value whose percent-encoding is broken announces nothing.
     */
    static String modelId(String userName) {
        String announced = userName == null ? null : TwinTopics.properties(userName, "").get(MODEL_ID);
        if (announced == null) {
            return null;
        }
        try {
            return QueryStringDecoder.decodeComponent(announced, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
