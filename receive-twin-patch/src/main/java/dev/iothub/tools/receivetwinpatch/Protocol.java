package dev.iothub.tools.receivetwinpatch;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** The device protocols, as {@code --protocol} names them. */
enum Protocol {
    MQTT("mqtt", IotHubClientProtocol.MQTT),
    MQTT_WS("mqtt-ws", IotHubClientProtocol.MQTT_WS),
    AMQPS("amqps", IotHubClientProtocol.AMQPS),
    AMQPS_WS("amqps-ws", IotHubClientProtocol.AMQPS_WS);

    private final String optionName;
    private final IotHubClientProtocol sdkProtocol;

    Protocol(String optionName, IotHubClientProtocol sdkProtocol) {
        this.optionName = optionName;
        this.sdkProtocol = sdkProtocol;
    }

    IotHubClientProtocol sdkProtocol() {
        return sdkProtocol;
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
