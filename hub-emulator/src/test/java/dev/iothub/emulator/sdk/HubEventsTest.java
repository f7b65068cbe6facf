package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.PartitionEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.HubUnderTest;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The events the hub raises itself, on its built-in endpoint where its routes send them, read with the official
 * Event Hubs client: twin changes (a service's patch and replacement, a device's reported patch over each protocol),
 * identities created and deleted, connections made and lost; for devices and modules, with the hub's application
 * properties and bodies. Against a real hub too (the parity switch), whose routes must send TwinChangeEvents,
 * DeviceLifecycleEvents and DeviceConnectionStateEvents to the built-in endpoint.
 */
class HubEventsTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest(HubEmulator.builder().address("127.0.0.82")
            .routes("TwinChangeEvents", "DeviceLifecycleEvents", "DeviceConnectionStateEvents"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDeviceAndItsModuleCreatedAndTheDeviceDeletedAreAnnounced() throws Exception {
        Instant since = Instant.now();
        String deviceId = hub.deviceId("lifecycle");
        RegisteredIdentity.create(hub, deviceId, true);
        int version = new TwinClient(hub.serviceConnectionString()).get(deviceId, RegisteredIdentity.MODULE_ID)
                .getVersion();
        new RegistryClient(hub.serviceConnectionString()).removeDevice(deviceId);

        // whether the hub also tells of the modules a device's deletion takes is not documented: not asked here
        List<EventData> events = events(since, 3, "lifecycle events of " + deviceId,
                of(deviceId, "deviceLifecycleEvents").and(event -> event.getProperties().get("moduleId") == null
                        || "createDeviceIdentity".equals(event.getProperties().get("opType"))));

        assertEquals(List.of("createDeviceIdentity", "createDeviceIdentity", "deleteDeviceIdentity"),
                events.stream().map(event -> event.getProperties().get("opType")).toList());
        EventData device = events.get(0);
        EventData module = events.get(1);
        assertHubEvent(device, deviceId, null, "deviceLifecycleEvents", "deviceLifecycleNotification");
        assertHubEvent(module, deviceId, RegisteredIdentity.MODULE_ID, "deviceLifecycleEvents",
                "deviceLifecycleNotification");
        assertEquals(RegisteredIdentity.MODULE_ID, module.getSystemProperties().get("iothub-connection-module-id"));

        JsonNode created = body(module);
        assertEquals(deviceId, created.get("deviceId").asText());
        assertEquals(RegisteredIdentity.MODULE_ID, created.get("moduleId").asText());
        assertEquals(version, created.get("version").asInt(), "the twin as created");
        for (String side : List.of("desired", "reported")) {
            assertEquals(1, created.get("properties").get(side).get("$version").asInt());
            assertTrue(created.get("properties").get(side).get("$metadata").has("$lastUpdated"));
        }
        assertFalse(created.has("status"), "the twin, not the identity: " + created);
        assertEquals(deviceId, body(events.get(2)).get("deviceId").asText());
        assertFalse(body(events.get(2)).has("moduleId"));
    }

    @Test
    void aServicePatchAndAReplacementOfATwinAreAnnounced() throws Exception {
        Instant since = Instant.now();
        String deviceId = hub.deviceId("twin-service");
        RegisteredIdentity.create(hub, deviceId, false);
        TwinClient twins = new TwinClient(hub.serviceConnectionString());
        Twin twin = twins.get(deviceId);
        int version = twin.getVersion();
        int desiredVersion = twin.getDesiredProperties().getVersion();
        twin.getTags().put("floor", 3);
        twin.getDesiredProperties().put("color", "red");
        twins.patch(twin);
        Twin replacement = twins.get(deviceId);
        replacement.getTags().clear();
        replacement.getTags().put("building", 43);
        replacement.getDesiredProperties().clear();
        replacement.getDesiredProperties().put("mode", "eco");
        twins.replace(replacement);

        List<EventData> events = events(since, 2, "twin change events of " + deviceId,
                of(deviceId, "twinChangeEvents"));

        EventData patched = events.get(0);
        assertHubEvent(patched, deviceId, null, "twinChangeEvents", "twinChangeNotification");
        assertEquals("updateTwin", patched.getProperties().get("opType"));
        JsonNode update = body(patched);
        assertEquals(version + 1, update.get("version").asInt());
        assertEquals(3, update.get("tags").get("floor").asInt());
        JsonNode desired = update.get("properties").get("desired");
        assertEquals("red", desired.get("color").asText());
        assertEquals(desiredVersion + 1, desired.get("$version").asInt());
        assertEquals(desiredVersion + 1, desired.get("$metadata").get("$lastUpdatedVersion").asInt());
        assertEquals(desiredVersion + 1, desired.get("$metadata").get("color").get("$lastUpdatedVersion").asInt());
        assertFalse(update.get("properties").has("reported"), "only what the patch changed: " + update);

        EventData replaced = events.get(1);
        assertEquals("replaceTwin", replaced.getProperties().get("opType"));
        JsonNode whole = body(replaced);
        assertEquals(deviceId, whole.get("deviceId").asText());
        assertEquals(version + 2, whole.get("version").asInt());
        assertEquals(Map.of("building", 43), JSON.convertValue(whole.get("tags"), Map.class));
        assertEquals("eco", whole.get("properties").get("desired").get("mode").asText());
        assertFalse(whole.get("properties").get("desired").has("color"));
        assertTrue(whole.get("properties").get("reported").has("$version"));
    }

    @ParameterizedTest(name = "module={1} over {0}")
    @MethodSource("dev.iothub.emulator.sdk.RegisteredIdentity#everyClient")
    void aConnectionAndAReportedPatchAreAnnounced(IotHubClientProtocol protocol, boolean module) throws Exception {
        String deviceId = hub.deviceId("connection-" + protocol + (module ? "-module" : ""));
        RegisteredIdentity identity = RegisteredIdentity.create(hub, deviceId, module);
        TwinClient twins = new TwinClient(hub.serviceConnectionString());
        Twin initial = module ? twins.get(deviceId, RegisteredIdentity.MODULE_ID) : twins.get(deviceId);
        Instant since = Instant.now();
        InternalClient client = identity.client(protocol,
                ClientOptions.builder().sslContext(hub.clientSslContext()).build());
        String moduleId = module ? RegisteredIdentity.MODULE_ID : null;
        Predicate<EventData> ofThisIdentity = event -> Objects.equals(moduleId, event.getProperties().get("moduleId"));
        client.open(true);
        try {
            client.subscribeToDesiredProperties((twin, context) -> { }, null); // the SDK's condition for reporting
            TwinCollection reported = new TwinCollection();
            reported.put("firmware", "1.2");
            reported.put("cleared", null);
            // sent once, its answer not awaited (the SDK may drop it: TwinRequests), its event is: before the close
            client.updateReportedPropertiesAsync(reported, (status, response, e, context) -> { }, null);
            events(since, 1, "the reported patch of " + deviceId, of(deviceId, "twinChangeEvents").and(ofThisIdentity));
        } finally {
            client.close();
        }

        List<EventData> events = events(since, 3, "connection and twin events of " + deviceId,
                of(deviceId, "deviceConnectionStateEvents").or(of(deviceId, "twinChangeEvents")).and(ofThisIdentity));

        // a real hub publishes connection states every 60 s, so they may come after the patch: the sequence numbers
        // say which came first
        assertEquals(List.of("deviceConnected", "deviceDisconnected", "updateTwin"),
                events.stream().map(event -> (String) event.getProperties().get("opType")).sorted().toList());
        events = events.stream().sorted(Comparator.comparing(event -> (String) event.getProperties().get("opType")))
                .toList();
        EventData connected = events.get(0);
        assertHubEvent(connected, deviceId, moduleId, "deviceConnectionStateEvents",
                "deviceConnectionStateNotification");
        String first = body(connected).get("sequenceNumber").asText();
        String last = body(events.get(1)).get("sequenceNumber").asText();
        assertTrue(first.matches("[0-9A-F]{64}"), first);
        assertTrue(last.compareTo(first) > 0, "later, by a string comparison: " + first + ", " + last);

        EventData patch = events.get(2);
        assertHubEvent(patch, deviceId, moduleId, "twinChangeEvents", "twinChangeNotification");
        assertEquals(moduleId, patch.getSystemProperties().get("iothub-connection-module-id"));
        JsonNode reported = body(patch).get("properties").get("reported");
        assertEquals("1.2", reported.get("firmware").asText());
        assertTrue(reported.get("cleared").isNull(), "a property removed shows as null, as the Python e2e reads it");
        assertEquals(initial.getReportedProperties().getVersion() + 1, reported.get("$version").asInt());
        assertTrue(reported.get("$metadata").get("firmware").has("$lastUpdated"));
        assertFalse(reported.get("$metadata").has("$lastUpdatedVersion"), "reported metadata has no version");
        assertEquals(initial.getVersion() + 1, body(patch).get("version").asInt());
    }

    /** What every event of the hub's own carries, and what it does not (no authentication, no message id). */
    private static void assertHubEvent(EventData event, String deviceId, String moduleId, String source,
                                       String schema) {
        Map<String, Object> properties = event.getProperties();
        assertEquals(schema, properties.get("iothub-message-schema"));
        assertEquals(deviceId, properties.get("deviceId"));
        assertEquals(moduleId, properties.get("moduleId"));
        assertEquals(hubName(), properties.get("hubName"));
        Instant.parse((String) properties.get("operationTimestamp"));
        Map<String, Object> system = event.getSystemProperties();
        assertEquals(deviceId, system.get("iothub-connection-device-id"));
        assertEquals(source, system.get("iothub-message-source"));
        assertNull(system.get("iothub-connection-auth-method"));
        assertNull(event.getMessageId());
        assertEquals("application/json", event.getContentType());
        assertEquals("utf-8", system.get("content-encoding"));
        assertFalse(event.getCorrelationId().isEmpty());
    }

    private static Predicate<EventData> of(String deviceId, String source) {
        return event -> deviceId.equals(event.getSystemProperties().get("iothub-connection-device-id"))
                && source.equals(event.getSystemProperties().get("iothub-message-source"));
    }

    private static List<EventData> events(Instant since, int count, String what, Predicate<EventData> wanted) {
        return SentEvents.await(hub.eventHubConnectionString(), since, count, what, wanted).stream()
                .map(PartitionEvent::getData).toList();
    }

    private static JsonNode body(EventData event) throws Exception {
        return JSON.readTree(event.getBody());
    }

    /**
     * The hub's name: on Azure the first label of its host name; the emulator's host is an address, and its name is
     * its built-in endpoint's entity's.
     */
    private static String hubName() {
        String host = hub.hostName();
        if (!host.matches("[0-9.]+")) {
            return host.substring(0, host.indexOf('.'));
        }
        String connectionString = hub.eventHubConnectionString();
        return connectionString.substring(connectionString.indexOf("EntityPath=") + "EntityPath=".length());
    }
}
