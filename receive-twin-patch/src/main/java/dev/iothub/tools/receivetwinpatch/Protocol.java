package dev.iothub.tools.receivetwinpatch;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import dev.iothub.tools.common.HubEndpoint;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The device protocols, as {@code --protocol} names them. */
enum Protocol {
    MQTT("mqtt", IotHubClientProtocol.MQTT, HubEndpoint.MQTT_PORT),
    MQTT_WS("mqtt-ws", IotHubClientProtocol.MQTT_WS, HubEndpoint.HTTPS_PORT),
    AMQPS("amqps", IotHubClientProtocol.AMQPS, HubEndpoint.AMQPS_PORT),
    AMQPS_WS("amqps-ws", IotHubClientProtocol.AMQPS_WS, HubEndpoint.HTTPS_PORT);

    private final String optionName;
    private final IotHubClientProtocol sdkProtocol;
    private final int port;

    Protocol(String optionName, IotHubClientProtocol sdkProtocol, int port) {
        this.optionName = optionName;
        this.sdkProtocol = sdkProtocol;
        this.port = port;
    }

    IotHubClientProtocol sdkProtocol() {
        return sdkProtocol;
    }

    /** The port the SDK connects to with this protocol. */
    int port() {
        return port;
    }

    @Override
    public String toString() {
        return optionName;
    }

    static final class Converter implements ITypeConverter<Protocol> {
        @Override
        public Protocol convert(String value) {
            String name = value.toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(p -> p.optionName.equals(name)).findFirst()
                    .orElseThrow(() -> new TypeConversionException("'" + value + "' is not one of mqtt, mqtt-ws, amqps, amqps-ws"));
        }
    }

    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(values()).map(Protocol::toString).iterator();
        }
    }
}
