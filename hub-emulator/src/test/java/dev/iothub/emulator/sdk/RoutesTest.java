package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.messaging.eventhubs.EventData;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.TelemetryMessage;
import dev.iothub.emulator.testing.DefaultTrust;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in endpoint gets what the hub's routes send it, and only that: a new hub's fallback route sends device
 * messages, and nothing of the hub's own; with the fallback off, device messages need a route of their own. Each
 * test does things a route could take, then one it knows arrives: a device's events share its partition, in order,
 * so what went before it shows whether anything else was routed.
 */
class RoutesTest {
    private static final String ADDRESS = "127.0.0.83";
    private static final String DEVICE = "routed";
    private HubEmulator hub;
    private DefaultTrust trust;

    @AfterEach
    void stop() {
        if (trust != null) {
            trust.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void aNewHubsBuiltInEndpointGetsDeviceMessagesAndNothingElse() throws Exception {
        start(HubEmulator.builder());
        Instant since = Instant.now();
        patchTwin();
        send("last");

        assertEquals(List.of("Telemetry: last"), firstEvents(since, 1));
    }

    @Test
    void withTheFallbackRouteOffDeviceMessagesReachTheEndpointOnlyByARoute() throws Exception {
        start(HubEmulator.builder().fallbackRoute(false).routes("TwinChangeEvents"));
        Instant since = Instant.now();
        send("dropped");
        patchTwin();

        assertEquals(List.of("twinChangeEvents: updateTwin"), firstEvents(since, 1));
    }

    @Test
    void aDeviceMessagesRouteTakesThemWithTheFallbackRouteOff() throws Exception {
        start(HubEmulator.builder().fallbackRoute(false).routes("devicemessages", "TwinChangeEvents"));
        Instant since = Instant.now();
        send("routed");
        patchTwin();

        assertEquals(List.of("Telemetry: routed", "twinChangeEvents: updateTwin"), firstEvents(since, 2));
    }

    @Test
    void receivedTelemetryIsWhatDevicesSentNotTheHubsOwnEvents() throws Exception {
        start(HubEmulator.builder().routes("TwinChangeEvents", "DeviceLifecycleEvents", "DeviceConnectionStateEvents"));
        Instant since = Instant.now();
        send("sent");
        patchTwin();
        firstEvents(since, 5); // created, connected, the message, disconnected and the patch: all kept

        assertEquals(List.of("sent"), hub.receivedTelemetry().stream().map(TelemetryMessage::bodyAsString)
                .toList());
    }

    @Test
    void aDeviceDeletedWhileConnectedIsDisconnectedThenDeleted() throws Exception {
        start(HubEmulator.builder().routes("DeviceLifecycleEvents", "DeviceConnectionStateEvents"));
        Instant since = Instant.now();
        DeviceClient device = new DeviceClient(hub.deviceConnectionString(DEVICE), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        device.open(true);
        try {
            new RegistryClient(hub.serviceConnectionString()).removeDevice(DEVICE);

            assertEquals(List.of("deviceLifecycleEvents: createDeviceIdentity",
                    "deviceConnectionStateEvents: deviceConnected", "deviceConnectionStateEvents: deviceDisconnected",
                    "deviceLifecycleEvents: deleteDeviceIdentity"), firstEvents(since, 4));
        } finally {
            device.close();
        }
    }

    private void start(HubEmulator.Builder builder) throws Exception {
        hub = builder.address(ADDRESS).start();
        trust = DefaultTrust.of(hub); // each test's hub has a CA of its own
        hub.deviceConnectionString(DEVICE);
    }

    private void patchTwin() throws Exception {
        TwinClient twins = new TwinClient(hub.serviceConnectionString());
        Twin twin = twins.get(DEVICE);
        twin.getDesiredProperties().put("color", "red");
        twins.patch(twin);
    }

    private void send(String body) throws Exception {
        DeviceClient device = new DeviceClient(hub.deviceConnectionString(DEVICE), IotHubClientProtocol.MQTT,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        device.open(true);
        try {
            device.sendEvent(new Message(body), 10_000);
        } finally {
            device.close();
        }
    }

    /** The first {@code count} events of the device since {@code since}: their source, and body or operation. */
    private List<String> firstEvents(Instant since, int count) {
        return SentEvents.await(hub.eventHubConnectionString(), since, count, "events of " + DEVICE,
                        data -> DEVICE.equals(data.getSystemProperties().get("iothub-connection-device-id")))
                .stream().map(event -> describe(event.getData())).toList();
    }

    private static String describe(EventData event) {
        String source = (String) event.getSystemProperties().get("iothub-message-source");
        return source + ": " + ("Telemetry".equals(source) ? event.getBodyAsString() : event.getProperties().get("opType"));
    }
}
