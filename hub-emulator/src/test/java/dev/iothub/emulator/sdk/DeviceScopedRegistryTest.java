package dev.iothub.emulator.sdk;

import static dev.iothub.emulator.testing.RawRest.API;
import static dev.iothub.emulator.testing.RawRest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AzureSasCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.auth.SymmetricKey;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.DeviceStatus;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.testing.HubUnderTest;
import dev.iothub.emulator.testing.RawRest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A device manages its own module identities with its own key, as the C SDK's service client does when given a
 * device connection string ({@code sr={host}/devices/{d}}, no {@code skn}) and as IoT Edge's identity service does:
 * create, update, read, list and delete the modules of that device, an IoT Edge device or not. The same token is
 * the hub's 401 everywhere else. Sources: /work/notes/device-scoped-registry.md, README "Known differences".
 */
class DeviceScopedRegistryTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.53");

    private static RawRest rest() {
        return new RawRest(hub);
    }

    @Test
    void theCSdksModuleSetUpWorksWithTheDevicesOwnToken() throws Exception {
        Device device = device("c-sdk");
        String token = tokenOf(device);
        String path = "/devices/" + device.getDeviceId() + "/modules/TestModule?api-version=2020-09-30";

        HttpResponse<String> created = rest().send("PUT", path, "{\"deviceId\":\"" + device.getDeviceId()
                + "\",\"moduleId\":\"TestModule\",\"managedBy\":\"one\",\"status\":\"enabled\","
                + "\"authentication\":{\"type\":\"none\"}}", token);
        assertEquals(200, created.statusCode(), created.body());
        HttpResponse<String> updated = rest().send("PUT", path, "{\"deviceId\":\"" + device.getDeviceId()
                + "\",\"moduleId\":\"TestModule\",\"managedBy\":\"two\",\"status\":\"enabled\",\"authentication\":"
                + "{\"type\":\"sas\",\"symmetricKey\":{\"primaryKey\":\"\",\"secondaryKey\":\"\"}}}", token,
                "If-Match", "*");
        assertEquals(200, updated.statusCode(), updated.body());
        HttpResponse<String> read = rest().send("GET", path, null, token);

        assertEquals(200, read.statusCode(), read.body());
        JsonNode module = Json.MAPPER.readTree(read.body());
        assertEquals("two", module.path("managedBy").asText());
        assertFalse(module.path("authentication").path("symmetricKey").path("primaryKey").asText().isEmpty());
    }

    @Test
    void theServiceSdkManagesTheDevicesModulesWithTheDevicesToken() throws Exception {
        Device device = device("java-sdk");
        RegistryClient own = new RegistryClient(hub.hostName(), new AzureSasCredential(tokenOf(device)));

        Module module = own.addModule(new Module(device.getDeviceId(), "m", AuthenticationType.SAS));
        SymmetricKey newKeys = new SymmetricKey();
        newKeys.setPrimaryKey(Base64.getEncoder().encodeToString(new byte[32]));
        newKeys.setSecondaryKey(module.getSecondaryKey());
        module.setSymmetricKey(newKeys);
        own.updateModule(module);
        assertEquals(newKeys.getPrimaryKey(), own.getModule(device.getDeviceId(), "m").getPrimaryKey());
        assertEquals(List.of("m"), own.getModulesOnDevice(device.getDeviceId()).stream().map(Module::getId).toList());
        own.removeModule(device.getDeviceId(), "m");

        assertTrue(own.getModulesOnDevice(device.getDeviceId()).isEmpty());
    }

    @Test
    void theDevicesTokenCannotCreateDevicesNorTouchAnotherDevicesModules() throws Exception {
        Device device = device("own");
        Device other = device("other");
        owner().addModule(new Module(other.getDeviceId(), "m", AuthenticationType.SAS));
        RegistryClient own = new RegistryClient(hub.hostName(), new AzureSasCredential(tokenOf(device)));

        assertThrows(IotHubUnauthorizedException.class,
                () -> own.addDevice(new Device(hub.deviceId("created-by-a-device"), AuthenticationType.SAS)));
        assertThrows(IotHubUnauthorizedException.class, () -> own.getModule(other.getDeviceId(), "m"));
        assertThrows(IotHubUnauthorizedException.class,
                () -> own.addModule(new Module(other.getDeviceId(), "n", AuthenticationType.SAS)));
        assertThrows(IotHubUnauthorizedException.class, () -> own.getModulesOnDevice(other.getDeviceId()));
        assertThrows(IotHubUnauthorizedException.class, () -> own.removeModule(other.getDeviceId(), "m"));
    }

    @Test
    void theDevicesTokenIsUnauthorizedOnEveryOtherSurface() throws Exception {
        Device device = device("surfaces");
        String id = device.getDeviceId();
        owner().addModule(new Module(id, "m", AuthenticationType.SAS));
        String token = tokenOf(device);

        assertUnauthorized(rest().send("GET", "/devices/" + id + API, null, token));
        assertUnauthorized(rest().send("PUT", "/devices/" + id + API, "{\"deviceId\":\"" + id + "\"}", token,
                "If-Match", "*"));
        assertUnauthorized(rest().send("DELETE", "/devices/" + id + API, null, token, "If-Match", "*"));
        assertUnauthorized(rest().send("GET", "/devices" + API, null, token));
        assertUnauthorized(rest().send("GET", "/twins/" + id + API, null, token));
        assertUnauthorized(rest().send("GET", "/twins/" + id + "/modules/m" + API, null, token));
        assertEquals(id, owner().getDevice(id).getDeviceId());
    }

    @Test
    void aWrongKeyAnExpiredTokenAndAModulesTokenAreUnauthorized() throws Exception {
        Device device = device("refusals");
        String id = device.getDeviceId();
        Module module = owner().addModule(new Module(id, "m", AuthenticationType.SAS));
        String path = "/devices/" + id + "/modules/m" + API;
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);

        assertUnauthorized(rest().send("GET", path, null, token(hub.hostName() + "/devices/" + id, wrongKey, 300)));
        assertUnauthorized(rest().send("GET", path, null,
                token(hub.hostName() + "/devices/" + id, device.getPrimaryKey(), -60)));
        assertUnauthorized(rest().send("GET", path, null,
                token(hub.hostName() + "/devices/" + id + "/modules/m", module.getPrimaryKey(), 300)));
        assertUnauthorized(rest().send("GET", path, null,
                token(hub.hostName() + "/devices/" + id + "/modules/m", device.getPrimaryKey(), 300)));
        assertEquals(200, rest().send("GET", path, null,
                token(hub.hostName() + "/devices/" + id, device.getSecondaryKey(), 300)).statusCode());
    }

    @Test
    void aDisabledDevicesTokenIsUnauthorized() throws Exception {
        Device device = device("disabled");
        device.setStatus(DeviceStatus.Disabled);
        owner().updateDevice(device);

        assertUnauthorized(rest().send("GET", "/devices/" + device.getDeviceId() + "/modules" + API, null,
                tokenOf(device)));
    }

    private static void assertUnauthorized(HttpResponse<String> response) throws Exception {
        assertError(response, 401, "IotHubUnauthorizedAccess");
    }

    private static RegistryClient owner() {
        return new RegistryClient(hub.serviceConnectionString());
    }

    private static Device device(String name) throws Exception {
        return owner().addDevice(new Device(hub.deviceId(name), AuthenticationType.SAS));
    }

    /** What the C SDK's service client signs with a device connection string. */
    private static String tokenOf(Device device) {
        return token(hub.hostName() + "/devices/" + device.getDeviceId(), device.getPrimaryKey(), 300);
    }

    private static String token(String resource, String key, long secondsLeft) {
        return SharedAccessSignature.sign(resource, key, null, Instant.now().plusSeconds(secondsLeft));
    }
}
