package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.transport.IotHubConnectionStatus;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubInternalServerErrorException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubServerBusyException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubTooManyRequestsException;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.TwinRequests;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The library's test API as a user's test would call it, against the unmodified SDKs. */
class TestApiTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.9");

    @AfterEach
    void reset() {
        emulator.hub().reset();
    }

    @Test
    void connectionStringsMakeTheIdentityAndOperationsAreRecorded() throws Exception {
        HubEmulator hub = emulator.hub();
        ModuleClient module = moduleClient(hub.moduleConnectionString("sensor", "m"));
        try {
            module.open(false);
            module.subscribeToDesiredProperties((twin, context) -> { }, null);
            TwinRequests.getTwin(module);
        } finally {
            module.close();
        }
        new RegistryClient(hub.serviceConnectionString()).getDevice("sensor");

        assertEquals(List.of("sensor/m: connect", "sensor/m: desired subscribe", "sensor/m: twin GET",
                "sensor/m: disconnect", "GET /devices/sensor"),
                hub.receivedOperations().stream().distinct().toList(), "a twin GET the SDK lost is asked again");
        assertTrue(hub.deviceConnectionString("sensor").matches(
                "HostName=127\\.0\\.0\\.9;DeviceId=sensor;SharedAccessKey=[A-Za-z0-9+/=]{44}"), "the same device, kept");
    }

    @Test
    void droppedConnectionsComeBack() throws Exception {
        HubEmulator hub = emulator.hub();
        ModuleClient module = moduleClient(hub.moduleConnectionString("dropped", "m"));
        BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
        module.setConnectionStatusChangeCallback(change -> statuses.add(change.getNewStatus()), null);
        try {
            module.open(false);
            assertEquals(IotHubConnectionStatus.CONNECTED, statuses.poll(10, TimeUnit.SECONDS));

            hub.dropConnections("dropped");

            assertEquals(IotHubConnectionStatus.DISCONNECTED_RETRYING, statuses.poll(10, TimeUnit.SECONDS));
            assertEquals(IotHubConnectionStatus.CONNECTED, statuses.poll(30, TimeUnit.SECONDS), "the SDK reconnects");
        } finally {
            module.close();
        }
    }

    @Test
    void requestsFailDelayOrAreRefusedAsAsked() throws Exception {
        HubEmulator hub = emulator.hub();
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());

        hub.failNextRequests(1, 429);
        assertThrows(IotHubTooManyRequestsException.class, () -> registry.getDevice("nobody"));
        hub.failNextRequests(2, 503);
        assertThrows(IotHubServerBusyException.class, () -> registry.getDevice("nobody"));
        assertThrows(IotHubServerBusyException.class, () -> registry.getDevice("nobody"));
        hub.failNextRequests(1, 500);
        assertThrows(IotHubInternalServerErrorException.class, () -> registry.getDevice("nobody"));
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice("nobody"), "then served again");

        hub.delayAnswers(Duration.ofMillis(500));
        long started = System.nanoTime();
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice("nobody"));
        assertTrue(System.nanoTime() - started >= 500_000_000L, "the answer was held back");
        hub.delayAnswers(Duration.ZERO);

        hub.refuseConnections(true);
        assertThrows(IOException.class, () -> newConnection(hub), "a new connection is closed as it comes");
        hub.refuseConnections(false);
        newConnection(hub);
    }

    @Test
    void resetEmptiesTheRegistryAndEndsConnections() throws Exception {
        HubEmulator hub = emulator.hub();
        String key = hub.serviceConnectionString();
        ModuleClient module = moduleClient(hub.moduleConnectionString("before-reset", "m"));
        BlockingQueue<IotHubConnectionStatus> statuses = new LinkedBlockingQueue<>();
        module.setConnectionStatusChangeCallback(change -> statuses.add(change.getNewStatus()), null);
        try {
            module.open(false);
            assertEquals(IotHubConnectionStatus.CONNECTED, statuses.poll(10, TimeUnit.SECONDS));

            hub.reset();

            IotHubConnectionStatus status = statuses.poll(10, TimeUnit.SECONDS);
            assertTrue(status == IotHubConnectionStatus.DISCONNECTED_RETRYING
                    || status == IotHubConnectionStatus.DISCONNECTED, String.valueOf(status));
        } finally {
            module.close();
        }
        assertThrows(IotHubNotFoundException.class, () -> new RegistryClient(key).getDevice("before-reset"));
        assertEquals(key, hub.serviceConnectionString(), "the keys stay");
    }

    /** A new TLS connection to port 443, handshake and all. */
    private static void newConnection(HubEmulator hub) throws IOException {
        try (SSLSocket socket = (SSLSocket) hub.clientSslContext().getSocketFactory().createSocket(hub.hostName(), 443)) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
        }
    }

    private ModuleClient moduleClient(String connectionString) {
        return new ModuleClient(connectionString, IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(emulator.hub().clientSslContext()).build());
    }
}
