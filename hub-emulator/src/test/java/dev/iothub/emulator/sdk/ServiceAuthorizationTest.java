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
import dev.iothub.emulator.junit.HubEmulatorExtension;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every REST call is checked as the hub checks it: signature, expiry, resource and the policy's rights. */
class ServiceAuthorizationTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.4");

    @Test
    void aWrongKeyIsUnauthorized() {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        RegistryClient registry = new RegistryClient("HostName=" + emulator.hub().hostName()
                + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + wrongKey);

        IotHubUnauthorizedException e = assertThrows(IotHubUnauthorizedException.class, () -> registry.getDevice("d"));
        assertFalse(String.valueOf(e.getMessage()).contains(wrongKey));
    }

    @Test
    void anUnknownPolicyIsUnauthorized() {
        String key = keyOf(emulator.hub().serviceConnectionString());
        RegistryClient registry = new RegistryClient("HostName=" + emulator.hub().hostName()
                + ";SharedAccessKeyName=nosuchpolicy;SharedAccessKey=" + key);

        assertThrows(IotHubUnauthorizedException.class, () -> registry.getDevice("d"));
    }

    @Test
    void anExpiredTokenIsUnauthorized() {
        String expired = SharedAccessSignature.sign(emulator.hub().hostName(), keyOf(emulator.hub().serviceConnectionString()),
                "iothubowner", Instant.now().minusSeconds(60));
        RegistryClient registry = new RegistryClient(emulator.hub().hostName(), new AzureSasCredential(expired));

        assertThrows(IotHubUnauthorizedException.class, () -> registry.getDevice("d"));
    }

    @Test
    void aValidTokenMadeElsewhereIsAccepted() throws Exception {
        String token = SharedAccessSignature.sign(emulator.hub().hostName(), keyOf(emulator.hub().serviceConnectionString()),
                "iothubowner", Instant.now().plusSeconds(300));
        RegistryClient registry = new RegistryClient(emulator.hub().hostName(), new AzureSasCredential(token));

        assertEquals("token-device", registry.addDevice(new Device("token-device", AuthenticationType.SAS)).getDeviceId());
    }

    @Test
    void aPolicyWithoutTheNeededPermissionIsUnauthorized() throws Exception {
        RegistryClient owner = new RegistryClient(emulator.hub().serviceConnectionString());
        owner.addDevice(new Device("rights-device", AuthenticationType.SAS));

        RegistryClient readOnly = new RegistryClient(emulator.hub().connectionString("registryRead"));
        assertEquals("rights-device", readOnly.getDevice("rights-device").getDeviceId());
        assertThrows(IotHubUnauthorizedException.class,
                () -> readOnly.addDevice(new Device("not-allowed", AuthenticationType.SAS)));

        TwinClient registryTwins = new TwinClient(emulator.hub().connectionString("registryReadWrite"));
        assertThrows(IotHubUnauthorizedException.class, () -> registryTwins.get("rights-device"));

        RegistryClient service = new RegistryClient(emulator.hub().connectionString("service"));
        assertThrows(IotHubUnauthorizedException.class, () -> service.getDevice("rights-device"));
        TwinClient serviceTwins = new TwinClient(emulator.hub().connectionString("service"));
        assertEquals("rights-device", serviceTwins.get("rights-device").getDeviceId());

        RegistryClient device = new RegistryClient(emulator.hub().connectionString("device"));
        assertThrows(IotHubUnauthorizedException.class, () -> device.getDevice("rights-device"));
    }

    static String keyOf(String connectionString) {
        for (String part : connectionString.split(";")) {
            if (part.startsWith("SharedAccessKey=")) {
                return part.substring("SharedAccessKey=".length());
            }
        }
        throw new IllegalArgumentException("no SharedAccessKey in the connection string");
    }
}
