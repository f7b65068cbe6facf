package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.HubUnderTest;
import dev.iothub.emulator.testing.TwinRequests;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The unmodified device SDK's DeviceClient and ModuleClient against the hub under test, the same flows over each
 * protocol it speaks: MQTT, MQTT over WebSocket, AMQPS and AMQPS over WebSocket.
 */
class DeviceSdkTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.5");

    /** A device identity, or a module identity on a device, and the SDK client for it. */
    enum Kind {
        DEVICE, MODULE;

        /** Creates the identity in the registry and answers its primary key. */
        String create(String deviceId) throws Exception {
            String key = registry().addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
            return this == DEVICE ? key
                    : registry().addModule(new Module(deviceId, "m", AuthenticationType.SAS)).getPrimaryKey();
        }

        InternalClient client(String deviceId, String key, IotHubClientProtocol protocol) {
            String connectionString = "HostName=" + hub.hostName() + ";DeviceId=" + deviceId
                    + (this == MODULE ? ";ModuleId=m" : "") + ";SharedAccessKey=" + key;
            return this == DEVICE ? new DeviceClient(connectionString, protocol, options())
                    : new ModuleClient(connectionString, protocol, options());
        }

        /** A client that connects with {@code token} as it is, expired or not. */
        InternalClient clientWithToken(String deviceId, String token, IotHubClientProtocol protocol) {
            String host = hub.hostName();
            return this == DEVICE ? new DeviceClient(host, deviceId, token::toCharArray, protocol, options())
                    : new ModuleClient(host, deviceId, "m", token::toCharArray, protocol, options());
        }

        String path(String deviceId) {
            return "/devices/" + deviceId + (this == MODULE ? "/modules/m" : "");
        }

        Twin twin(TwinClient twins, String deviceId) throws Exception {
            return this == DEVICE ? twins.get(deviceId) : twins.get(deviceId, "m");
        }

        DeviceConnectionState connectionState(String deviceId) throws Exception {
            return this == DEVICE ? registry().getDevice(deviceId).getConnectionState()
                    : registry().getModule(deviceId, "m").getConnectionState();
        }
    }

    private InternalClient client;

    static List<Arguments> clients() {
        List<Arguments> clients = new ArrayList<>();
        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS,
                IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS)) {
            for (Kind kind : Kind.values()) {
                clients.add(Arguments.of(protocol, kind));
            }
        }
        return clients;
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void receivesDesiredPatchesAndReportsProperties(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("twin-" + kind + "-" + protocol);
        client = kind.client(deviceId, kind.create(deviceId), protocol);
        BlockingQueue<com.microsoft.azure.sdk.iot.device.twin.Twin> patches = new LinkedBlockingQueue<>();

        client.open(false);
        client.subscribeToDesiredProperties((twin, context) -> patches.add(twin), null);
        com.microsoft.azure.sdk.iot.device.twin.Twin initial = readTwin(client);
        assertEquals(1, initial.getDesiredProperties().getVersion());
        assertEquals(DeviceConnectionState.Connected, kind.connectionState(deviceId));

        TwinClient twins = new TwinClient(hub.serviceConnectionString());
        Twin twin = kind.twin(twins, deviceId);
        twin.getDesiredProperties().put("telemetryInterval", 122);
        twins.patch(twin, "\"" + twin.getETag() + "\"");

        com.microsoft.azure.sdk.iot.device.twin.Twin patch = patches.poll(10, TimeUnit.SECONDS);
        assertEquals(2, patch.getDesiredProperties().getVersion());
        assertEquals(122, ((Number) patch.getDesiredProperties().get("telemetryInterval")).intValue());

        TwinCollection reported = new TwinCollection();
        reported.put("telemetryInterval", 122);
        ReportedPropertiesUpdateResponse response = report(client, reported);
        Twin afterReport = kind.twin(twins, deviceId);
        assertEquals(122, ((Number) afterReport.getReportedProperties().get("telemetryInterval")).intValue());
        assertEquals(afterReport.getReportedProperties().getVersion(), response.getVersion());
        assertTrue(response.getVersion() >= 2);
        assertEquals(2, readTwin(client).getDesiredProperties().getVersion());

        TwinCollection oversized = new TwinCollection();
        for (int i = 0; i < 10; i++) {
            oversized.put("big" + i, "x".repeat(4000));
        }
        IotHubClientException tooBig = assertThrows(IotHubClientException.class, () -> report(client, oversized));
        assertEquals(IotHubStatusCode.BAD_FORMAT, tooBig.getStatusCode(), "reported properties over 32 KB");
        assertEquals(response.getVersion(), kind.twin(twins, deviceId).getReportedProperties().getVersion(),
                "nothing was written");

        client.close();
        client = null;
        Conditions.await(deviceId + " disconnected",
                () -> kind.connectionState(deviceId) == DeviceConnectionState.Disconnected);
    }

    /** Each change is pushed once durable, in the order of its versions, whatever the protocol. */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void aBurstOfDesiredChangesArrivesInVersionOrder(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("burst-" + kind + "-" + protocol);
        client = kind.client(deviceId, kind.create(deviceId), protocol);
        BlockingQueue<Long> versions = new LinkedBlockingQueue<>();
        client.open(false);
        client.subscribeToDesiredProperties((twin, context) -> versions.add((long) twin.getDesiredProperties().getVersion()), null);

        TwinClient twins = new TwinClient(hub.serviceConnectionString());
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Twin patch = kind.twin(twins, deviceId);
            patch.getDesiredProperties().put("step", i);
            sent.add((long) twins.patch(patch).getDesiredProperties().getVersion());
        }

        List<Long> received = new ArrayList<>();
        for (Long version = versions.poll(10, TimeUnit.SECONDS); version != null; version = received.size() < sent.size()
                ? versions.poll(10, TimeUnit.SECONDS) : null) {
            received.add(version);
        }
        assertEquals(sent, received);
    }

    /** The hub ends a deleted identity's connection (and lets it in no more, so the SDK retries in vain). */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void deletingTheIdentityEndsItsConnection(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("deleted-" + kind + "-" + protocol);
        client = kind.client(deviceId, kind.create(deviceId), protocol);
        BlockingQueue<IotHubConnectionStatus> statuses = openWatchingStatus(client);

        registry().removeDevice(deviceId);

        assertEnds(statuses);
    }

    /**
     * "If Disabled, the device can't access any device-facing endpoint" (the identity registry's page): the hub
     * ends the connections of a device that is disabled, and of its modules.
     */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void disablingTheDeviceEndsItsConnection(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("disabled-" + kind + "-" + protocol);
        client = kind.client(deviceId, kind.create(deviceId), protocol);
        BlockingQueue<IotHubConnectionStatus> statuses = openWatchingStatus(client);

        disable(deviceId);

        assertEnds(statuses);
    }

    /** A disabled device's modules may not connect either. */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void anIdentityOfADisabledDeviceIsRefused(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("refused-" + kind + "-" + protocol);
        String key = kind.create(deviceId);
        disable(deviceId);
        client = kind.client(deviceId, key, protocol);

        IotHubClientException refused = assertThrows(IotHubClientException.class, () -> client.open(false));
        assertTrue(refused.getStatusCode() == IotHubStatusCode.UNAUTHORIZED
                || refused.getStatusCode() == IotHubStatusCode.NOT_FOUND, refused.getStatusCode().toString());
    }

    /** "When the token expires, the IoT hub severs the device/module connection" (the hub's SAS page). */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void aTokenThatExpiresEndsTheConnection(IotHubClientProtocol protocol, Kind kind) throws Exception {
        hub.assumeEmulator("the hub waits 5 to 10 minutes past a token's expiry before it ends the connection");
        String deviceId = hub.deviceId("expiring-" + kind + "-" + protocol);
        String key = kind.create(deviceId);
        String token = SharedAccessSignature.sign(hub.hostName() + kind.path(deviceId), key, null,
                Instant.now().plusSeconds(3));
        client = kind.clientWithToken(deviceId, token, protocol);
        BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
        client.setConnectionStatusChangeCallback(change -> statuses.add(change.getNewStatus()), null);
        client.open(false);
        assertEquals(IotHubConnectionStatus.CONNECTED, statuses.poll(10, TimeUnit.SECONDS));

        assertEnds(statuses);
    }

    /** The hub keeps one connection per identity: a second one, over any protocol, ends the first. */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void aSecondConnectionOfTheSameIdentityEndsTheFirst(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("twice-" + kind + "-" + protocol);
        String key = kind.create(deviceId);
        client = kind.client(deviceId, key, protocol);
        BlockingQueue<IotHubConnectionStatus> statuses = openWatchingStatus(client);
        IotHubClientProtocol other = protocol == IotHubClientProtocol.MQTT ? IotHubClientProtocol.AMQPS : IotHubClientProtocol.MQTT;
        InternalClient second = kind.client(deviceId, key, other);
        try {
            second.open(false);

            assertEnds(statuses);
        } finally {
            client.close(); // before the second: the two would take each other's place as long as both retry
            client = null;
            second.close();
        }
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void aWrongKeyIsUnauthorized(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("wrong-key-" + kind + "-" + protocol);
        kind.create(deviceId);
        client = kind.client(deviceId, Base64.getEncoder().encodeToString(new byte[32]), protocol);

        IotHubClientException refused = assertThrows(IotHubClientException.class, () -> client.open(false));
        assertEquals(IotHubStatusCode.UNAUTHORIZED, refused.getStatusCode());
        assertEquals(DeviceConnectionState.Disconnected, kind.connectionState(deviceId));
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void anExpiredTokenIsUnauthorized(IotHubClientProtocol protocol, Kind kind) throws Exception {
        String deviceId = hub.deviceId("expired-" + kind + "-" + protocol);
        String key = kind.create(deviceId);
        String expired = SharedAccessSignature.sign(hub.hostName() + kind.path(deviceId), key, null,
                Instant.now().minusSeconds(60));
        client = kind.clientWithToken(deviceId, expired, protocol);

        IotHubClientException refused = assertThrows(IotHubClientException.class, () -> client.open(false));
        assertEquals(IotHubStatusCode.UNAUTHORIZED, refused.getStatusCode());
    }

    /** Over AMQP the hub says the identity is not registered; over MQTT, as for any refusal, not authorized. */
    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void anUnknownIdentityIsRefused(IotHubClientProtocol protocol, Kind kind) {
        client = kind.client(hub.deviceId("unknown-" + kind + "-" + protocol), Base64.getEncoder().encodeToString(new byte[32]), protocol);

        IotHubClientException refused = assertThrows(IotHubClientException.class, () -> client.open(false));
        boolean amqp = protocol == IotHubClientProtocol.AMQPS || protocol == IotHubClientProtocol.AMQPS_WS;
        assertEquals(amqp ? IotHubStatusCode.NOT_FOUND : IotHubStatusCode.UNAUTHORIZED, refused.getStatusCode());
    }

    private static com.microsoft.azure.sdk.iot.device.twin.Twin readTwin(InternalClient client) throws Exception {
        return TwinRequests.getTwin(client);
    }

    private static ReportedPropertiesUpdateResponse report(InternalClient client, TwinCollection reported)
            throws Exception {
        return TwinRequests.updateReportedProperties(client, reported);
    }

    /** Opens {@code client} and answers the statuses it goes through from then on. */
    private static BlockingQueue<IotHubConnectionStatus> openWatchingStatus(InternalClient client) throws Exception {
        BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
        client.open(false);
        client.setConnectionStatusChangeCallback(change -> statuses.add(change.getNewStatus()), null);
        return statuses;
    }

    /** Fails unless the next status says the connection ended (the SDK then retries, or gives up). */
    private static void assertEnds(BlockingQueue<IotHubConnectionStatus> statuses) throws InterruptedException {
        IotHubConnectionStatus status = statuses.poll(30, TimeUnit.SECONDS);
        assertTrue(status == IotHubConnectionStatus.DISCONNECTED_RETRYING || status == IotHubConnectionStatus.DISCONNECTED,
                "the connection did not end: " + status);
    }

    private static void disable(String deviceId) throws Exception {
        Device device = registry().getDevice(deviceId);
        device.setStatus(DeviceStatus.Disabled);
        registry().updateDevice(device);
    }

    private static RegistryClient registry() {
        return new RegistryClient(hub.serviceConnectionString());
    }

    private static ClientOptions options() {
        return ClientOptions.builder().sslContext(hub.clientSslContext()).build();
    }
}
