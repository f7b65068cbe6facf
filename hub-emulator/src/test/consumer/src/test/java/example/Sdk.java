package example;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;

/** What the tests do through the SDKs, as a team's tests would: identities, desired properties, a client's twin. */
final class Sdk {
    private Sdk() {
    }

    /** Adds the device through RegistryClient; its connection string, with the key the registry gave. */
    static String addDevice(HubEmulator hub, String deviceId) throws Exception {
        String key = new RegistryClient(hub.serviceConnectionString())
                .addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
        return "HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";SharedAccessKey=" + key;
    }

    /** Adds the device and its module through RegistryClient; the module's connection string. */
    static String addModule(HubEmulator hub, String deviceId, String moduleId) throws Exception {
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        String key = registry.addModule(new Module(deviceId, moduleId, AuthenticationType.SAS)).getPrimaryKey();
        return "HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";ModuleId=" + moduleId
                + ";SharedAccessKey=" + key;
    }

    /** Patches the desired property {@code name} of the twin through TwinClient (a device's if moduleId is null). */
    static void desire(HubEmulator hub, String deviceId, String moduleId, String name, int value) throws Exception {
        Twin change = moduleId == null ? new Twin(deviceId) : new Twin(deviceId, moduleId);
        change.getDesiredProperties().put(name, value);
        new TwinClient(hub.serviceConnectionString()).patch(change);
    }

    static ClientOptions trusting(HubEmulator hub) {
        return ClientOptions.builder().sslContext(hub.clientSslContext()).build();
    }

    /** Opens the client, subscribes to desired properties (the SDK reads a twin only then), reads one, and closes. */
    static int desiredAsRead(InternalClient client, String name) throws Exception {
        client.open(false);
        try {
            client.subscribeToDesiredProperties((twin, context) -> { }, null);
            return ((Number) client.getTwin().getDesiredProperties().get(name)).intValue();
        } finally {
            client.close();
        }
    }
}
