package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubBadFormatException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubConflictException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubPreconditionFailedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceConnectionState;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.DeviceCapabilities;
import dev.iothub.emulator.testing.HubUnderTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The unmodified service SDK's RegistryClient against the hub under test. */
class RegistryClientTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.2");

    private RegistryClient registry;
    private String deviceId;

    @BeforeEach
    void setUp(TestInfo test) {
        registry = new RegistryClient(hub.serviceConnectionString());
        deviceId = hub.deviceId("device-" + test.getTestMethod().orElseThrow().getName());
    }

    @Test
    void addsGetsAndRemovesADevice() throws Exception {
        Device added = registry.addDevice(new Device(deviceId, AuthenticationType.SAS));

        assertEquals(deviceId, added.getDeviceId());
        assertNotNull(added.getPrimaryKey());
        assertNotNull(added.getETag());
        assertNotNull(added.getGenerationId());
        assertEquals(DeviceStatus.Enabled, added.getStatus());
        assertEquals(DeviceConnectionState.Disconnected, added.getConnectionState());

        Device fetched = registry.getDevice(deviceId);
        assertEquals(added.getPrimaryKey(), fetched.getPrimaryKey());
        assertEquals(added.getSecondaryKey(), fetched.getSecondaryKey());
        assertEquals(added.getETag(), fetched.getETag());

        registry.removeDevice(deviceId);
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice(deviceId));
    }

    @Test
    void addingAnExistingDeviceIsAConflict() throws Exception {
        Device first = registry.addDevice(new Device(deviceId, AuthenticationType.SAS));

        assertThrows(IotHubConflictException.class, () -> registry.addDevice(new Device(deviceId, AuthenticationType.SAS)));
        assertEquals(first.getPrimaryKey(), registry.getDevice(deviceId).getPrimaryKey(), "the conflict changed nothing");
    }

    @Test
    void addsListsAndRemovesModules() throws Exception {
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        Module module = registry.addModule(new Module(deviceId, "alpha", AuthenticationType.SAS));
        registry.addModule(new Module(deviceId, "beta", AuthenticationType.SAS));

        assertEquals("alpha", module.getId());
        assertEquals(deviceId, module.getDeviceId());
        assertNotNull(module.getPrimaryKey());
        assertEquals(module.getPrimaryKey(), registry.getModule(deviceId, "alpha").getPrimaryKey());
        assertThrows(IotHubConflictException.class,
                () -> registry.addModule(new Module(deviceId, "alpha", AuthenticationType.SAS)));

        List<Module> modules = registry.getModulesOnDevice(deviceId);
        assertEquals(List.of("alpha", "beta"), modules.stream().map(Module::getId).sorted().toList());

        registry.removeModule(deviceId, "alpha");
        assertThrows(IotHubNotFoundException.class, () -> registry.getModule(deviceId, "alpha"));
        assertEquals(1, registry.getModulesOnDevice(deviceId).size());
    }

    @Test
    void removingADeviceRemovesItsModules() throws Exception {
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS));

        registry.removeDevice(deviceId);
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));

        assertTrue(registry.getModulesOnDevice(deviceId).isEmpty());
    }

    @Test
    void unknownIdsAreNotFound() {
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice("no-such-device"));
        assertThrows(IotHubNotFoundException.class, () -> registry.getModule("no-such-device", "m"));
        assertThrows(IotHubNotFoundException.class, () -> registry.getModulesOnDevice("no-such-device"));
        assertThrows(IotHubNotFoundException.class, () -> registry.removeDevice("no-such-device"));
        assertThrows(IotHubNotFoundException.class,
                () -> registry.addModule(new Module("no-such-device", "m", AuthenticationType.SAS)));
    }

    @Test
    void invalidIdsAreBadFormat() {
        String tooLong = "d".repeat(129);
        assertThrows(IotHubBadFormatException.class, () -> registry.addDevice(new Device(tooLong, AuthenticationType.SAS)));
        assertThrows(IotHubBadFormatException.class, () -> registry.getDevice("bad id with spaces"));
        assertThrows(IotHubBadFormatException.class, () -> registry.getDevice("caf\u00e9"));
    }

    @Test
    void updatesAndDeletesHonourTheEtag() throws Exception {
        Device added = registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        added.setStatus(DeviceStatus.Disabled);

        Device updated = registry.updateDevice(added);

        assertEquals(DeviceStatus.Disabled, updated.getStatus());
        assertEquals(added.getPrimaryKey(), updated.getPrimaryKey());
        assertEquals(added.getGenerationId(), updated.getGenerationId());
        assertTrue(!added.getETag().equals(updated.getETag()), "an update gives a new etag");
        assertThrows(IotHubPreconditionFailedException.class, () -> registry.removeDevice(added), "stale etag");
        registry.removeDevice(updated);
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice(deviceId));
    }

    /** IoT Edge scopes, as the SDKs' end-to-end tests see them on the hub (e.g. the C# SDK's DeviceScope tests). */
    @Test
    void anEdgeDeviceGetsItsOwnScopeAndALeafTakesItsParentsScope() throws Exception {
        Device edge = new Device(hub.deviceId("edge"), AuthenticationType.SAS);
        DeviceCapabilities capabilities = new DeviceCapabilities();
        capabilities.setIotEdge(true);
        edge.setCapabilities(capabilities);
        edge = registry.addDevice(edge);
        String scope = edge.getScope();
        assertEquals("ms-azure-iot-edge://" + edge.getDeviceId() + "-" + edge.getGenerationId(), scope);
        assertEquals(List.of(), edge.getParentScopes());

        edge.setScope("ms-azure-iot-edge://something-else-1");
        assertEquals(scope, registry.updateDevice(edge).getScope(), "an edge device's scope does not change");

        Device leaf = new Device(hub.deviceId("leaf"), AuthenticationType.SAS);
        leaf.setScope(scope);
        leaf = registry.addDevice(leaf);
        assertEquals(scope, leaf.getScope());
        assertEquals(List.of(scope), leaf.getParentScopes());

        Device orphan = new Device(hub.deviceId("orphan"), AuthenticationType.SAS);
        orphan.setScope("ms-azure-iot-edge://" + deviceId + "-nosuchedge-1234");
        assertThrows(IotHubBadFormatException.class, () -> registry.addDevice(orphan), "a scope no edge device has");
        leaf.setScope(registry.getDevice(leaf.getDeviceId()).getScope() + "x");
        Device changed = leaf;
        assertThrows(IotHubBadFormatException.class, () -> registry.updateDevice(changed));
    }
}
