package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.HubUnderTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The IoT Plug and Play model id a device or module announces when it connects ({@code ClientOptions.modelId}: in
 * the MQTT user name, or as an AMQP link property) is its twin's {@code modelId}, as the service SDK's
 * TwinClientPnPTests read it from the hub. The hub may take a moment to show it, so the tests wait for it.
 */
class ModelIdTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.54");
    private static final String THERMOSTAT = "dtmi:com:example:Thermostat;1";
    private static final String THERMOSTAT_2 = "dtmi:com:example:Thermostat;2";

    static List<Arguments> clients() {
        List<Arguments> clients = new ArrayList<>();
        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS,
                IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS)) {
            clients.add(Arguments.of(protocol, false));
            clients.add(Arguments.of(protocol, true));
        }
        return clients;
    }

    @ParameterizedTest(name = "module {1} over {0}")
    @MethodSource("clients")
    void theTwinShowsTheModelAnnouncedAtConnection(IotHubClientProtocol protocol, boolean module) throws Exception {
        Identity identity = Identity.create(hub.deviceId("model-" + protocol + (module ? "-module" : "")), module);
        assertEquals("", identity.modelId(), "no model before the identity connects with one");

        connect(identity, protocol, THERMOSTAT);

        awaitModel(identity, THERMOSTAT);
    }

    @Test
    void theModelStaysAfterTheConnectionEndsUntilAnotherIsAnnounced() throws Exception {
        Identity identity = Identity.create(hub.deviceId("model-kept"), true);
        connect(identity, IotHubClientProtocol.MQTT, THERMOSTAT);
        awaitModel(identity, THERMOSTAT);

        connect(identity, IotHubClientProtocol.AMQPS, null);
        assertEquals(THERMOSTAT, identity.modelId(), "a connection announcing no model leaves the one announced before");

        connect(identity, IotHubClientProtocol.AMQPS, THERMOSTAT_2);
        awaitModel(identity, THERMOSTAT_2);
    }

    /** Opens a client of {@code identity} announcing {@code modelId} (none if null), then closes it. */
    private static void connect(Identity identity, IotHubClientProtocol protocol, String modelId) throws Exception {
        ClientOptions options = ClientOptions.builder().sslContext(hub.clientSslContext()).modelId(modelId).build();
        String connectionString = "HostName=" + hub.hostName() + ";DeviceId=" + identity.deviceId()
                + (identity.module() ? ";ModuleId=m" : "") + ";SharedAccessKey=" + identity.key();
        InternalClient client = identity.module() ? new ModuleClient(connectionString, protocol, options)
                : new DeviceClient(connectionString, protocol, options);
        try {
            client.open(true);
        } finally {
            client.close();
        }
    }

    private static void awaitModel(Identity identity, String modelId) throws Exception {
        Conditions.await("the twin of " + identity.deviceId() + " shows model " + modelId,
                () -> modelId.equals(identity.modelId()));
    }

    /** A device, or a module "m" on one, created in the registry with a key. */
    private record Identity(String deviceId, boolean module, String key) {
        static Identity create(String deviceId, boolean module) throws Exception {
            RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
            String key = registry.addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
            if (module) {
                key = registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS)).getPrimaryKey();
            }
            return new Identity(deviceId, module, key);
        }

        /** The twin's modelId as the service reads it. */
        String modelId() throws Exception {
            TwinClient twins = new TwinClient(hub.serviceConnectionString());
            return (module ? twins.get(deviceId, "m") : twins.get(deviceId)).getModelId();
        }
    }
}
