package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.HubUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
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

    @ParameterizedTest(name = "module {1} over {0}")
    @MethodSource("dev.iothub.emulator.sdk.RegisteredIdentity#everyClient")
    void theTwinShowsTheModelAnnouncedAtConnection(IotHubClientProtocol protocol, boolean module) throws Exception {
        RegisteredIdentity identity = RegisteredIdentity.create(hub,
                hub.deviceId("model-" + protocol + (module ? "-module" : "")), module);
        assertEquals("", modelId(identity), "no model before the identity connects with one");

        connect(identity, protocol, THERMOSTAT);

        awaitModel(identity, THERMOSTAT);
    }

    @Test
    void theModelStaysAfterTheConnectionEndsUntilAnotherIsAnnounced() throws Exception {
        RegisteredIdentity identity = RegisteredIdentity.create(hub, hub.deviceId("model-kept"), true);
        connect(identity, IotHubClientProtocol.MQTT, THERMOSTAT);
        awaitModel(identity, THERMOSTAT);

        connect(identity, IotHubClientProtocol.AMQPS, null);
        assertEquals(THERMOSTAT, modelId(identity), "a connection announcing no model leaves the one announced before");

        connect(identity, IotHubClientProtocol.AMQPS, THERMOSTAT_2);
        awaitModel(identity, THERMOSTAT_2);
    }

    /** Opens a client of {@code identity} announcing {@code modelId} (none if null), then closes it. */
    private static void connect(RegisteredIdentity identity, IotHubClientProtocol protocol, String modelId)
            throws Exception {
        InternalClient client = identity.client(protocol,
                ClientOptions.builder().sslContext(hub.clientSslContext()).modelId(modelId).build());
        try {
            client.open(true);
        } finally {
            client.close();
        }
    }

    private static void awaitModel(RegisteredIdentity identity, String modelId) throws Exception {
        Conditions.await("the twin of " + identity.deviceId() + " shows model " + modelId,
                () -> modelId.equals(modelId(identity)));
    }

    /** The twin's modelId as the service reads it. */
    private static String modelId(RegisteredIdentity identity) throws Exception {
        TwinClient twins = new TwinClient(hub.serviceConnectionString());
        return (identity.module() ? twins.get(identity.deviceId(), RegisteredIdentity.MODULE_ID)
                : twins.get(identity.deviceId())).getModelId();
    }
}
