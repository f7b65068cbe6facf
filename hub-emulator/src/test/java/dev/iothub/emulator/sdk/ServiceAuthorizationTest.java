package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.credential.AzureSasCredential;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubUnauthorizedException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.HubUnderTest;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every REST call is checked as the hub checks it: signature, expiry, resource and the policy's rights. */
class ServiceAuthorizationTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.4");

    @Test
    void aWrongKeyIsUnauthorized() {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        RegistryClient registry = new RegistryClient("HostName=" + hub.hostName()
                + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + wrongKey);

        IotHubUnauthorizedException e = assertThrows(IotHubUnauthorizedException.class, () -> registry.getDevice("d"));
        assertFalse(String.valueOf(e.getMessage()).contains(wrongKey));
    }

    @Test
    void anUnknownPolicyIsUnauthorized() {
        String key = keyOf(hub.serviceConnectionString());
        RegistryClient registry = new RegistryClient("HostName=" + hub.hostName()
                + ";SharedAccessKeyName=nosuchpolicy;SharedAccessKey=" + key);

        assertThrows(IotHubUnauthorizedException.class, () -> registry.getDevice("d"));
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        String expired = SharedAccessSignature.sign(hub.hostName(), keyOf(hub.serviceConnectionString()),
                "iothubowner", Instant.now().minusSeconds(60));
        RegistryClient registry = new RegistryClient(hub.hostName(), new AzureSasCredential(expired));

        assertThrows(IotHubUnauthorizedException.class, () -> registry.getDevice("d"));
    }

    @Test
    void aValidTokenMadeElsewhereIsAccepted() throws Exception {
        String token = SharedAccessSignature.sign(hub.hostName(), keyOf(hub.serviceConnectionString()),
                "iothubowner", Instant.now().plusSeconds(300));
        RegistryClient registry = new RegistryClient(hub.hostName(), new AzureSasCredential(token));

        String deviceId = hub.deviceId("token-device");
        assertEquals(deviceId, registry.addDevice(new Device(deviceId, AuthenticationType.SAS)).getDeviceId());
    }

    @Test
    void registryReadReadsDevicesButCannotWriteThem() throws Exception {
        RegistryClient readOnly = new RegistryClient(hub.connectionString("registryRead"));
        String deviceId = existingDevice("read-only");

        assertEquals(deviceId, readOnly.getDevice(deviceId).getDeviceId());
        assertThrows(IotHubUnauthorizedException.class,
                () -> readOnly.addDevice(new Device(hub.deviceId("not-allowed"), AuthenticationType.SAS)));
    }

    @Test
    void registryReadWriteCannotReadTwins() throws Exception {
        TwinClient registryTwins = new TwinClient(hub.connectionString("registryReadWrite"));

        assertThrows(IotHubUnauthorizedException.class, () -> registryTwins.get(existingDevice("registry-twins")));
    }

    @Test
    void serviceReadsTwinsButNotTheRegistry() throws Exception {
        RegistryClient service = new RegistryClient(hub.connectionString("service"));
        TwinClient serviceTwins = new TwinClient(hub.connectionString("service"));
        String deviceId = existingDevice("service");

        assertThrows(IotHubUnauthorizedException.class, () -> service.getDevice(deviceId));
        assertEquals(deviceId, serviceTwins.get(deviceId).getDeviceId());
    }

    @Test
    void theDevicePolicyCannotReadTheRegistry() throws Exception {
        RegistryClient device = new RegistryClient(hub.connectionString("device"));

        assertThrows(IotHubUnauthorizedException.class, () -> device.getDevice(existingDevice("device-policy")));
    }

    /** A device made with iothubowner's rights, for a policy with fewer to try. */
    private static String existingDevice(String name) throws Exception {
        String deviceId = hub.deviceId(name);
        new RegistryClient(hub.serviceConnectionString()).addDevice(new Device(deviceId, AuthenticationType.SAS));
        return deviceId;
    }

    private static String keyOf(String connectionString) {
        return ExternalHub.valueOf(connectionString, "SharedAccessKey");
    }
}
