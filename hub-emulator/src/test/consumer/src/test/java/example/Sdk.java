package example;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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

    /**
     * Opens the client, subscribes to desired properties, has the service desire {@code name} through TwinClient,
     * and answers the value the client's patch brings. (A patch rather than a twin read: over MQTT the Java SDK
     * 2.5.0 can lose a twin read's answer under load, issue 19; this project is about the class path.)
     */
    static int desiredAsPatched(HubEmulator hub, InternalClient client, String deviceId, String moduleId,
            String name, int value) throws Exception {
        BlockingQueue<TwinCollection> patches = new LinkedBlockingQueue<>();
        client.open(false);
        try {
            client.subscribeToDesiredProperties((twin, context) -> patches.add(twin.getDesiredProperties()), null);
            desire(hub, deviceId, moduleId, name, value);
            TwinCollection patch = patches.poll(1, TimeUnit.MINUTES);
            if (patch == null) {
                throw new AssertionError("no desired-property patch reached the client in a minute");
            }
            return ((Number) patch.get(name)).intValue();
        } finally {
            client.close();
        }
    }
}
