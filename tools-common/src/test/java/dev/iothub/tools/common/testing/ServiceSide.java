package dev.iothub.tools.common.testing;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import java.util.Map;

/** What tests do on the hub around the tool under test, with the service SDK (set-up, other writers, checks). */
public final class ServiceSide {
    private ServiceSide() {
    }

    /** Creates the device and the module, and returns the module connection string. */
    public static String createModule(HubEmulator hub, String deviceId, String moduleId) throws Exception {
        HubArgs.trustForSdk(hub);
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        Module module = registry.addModule(new Module(deviceId, moduleId, AuthenticationType.SAS));
        return "HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";ModuleId=" + moduleId
                + ";SharedAccessKey=" + module.getPrimaryKey();
    }

    /** Another writer: patches one desired property, without If-Match, and returns the new desired $version. */
    public static int patchDesired(HubEmulator hub, String deviceId, String moduleId, String name, Object value) {
        try {
            HubArgs.trustForSdk(hub);
            Twin patch = new Twin(deviceId, moduleId);
            patch.getDesiredProperties().put(name, value);
            return new TwinClient(hub.serviceConnectionString()).patch(patch).getDesiredProperties().getVersion();
        } catch (Exception e) {
            throw new IllegalStateException("could not patch the twin of " + deviceId + "/" + moduleId, e);
        }
    }

    public static Map<String, Object> reported(HubEmulator hub, String deviceId, String moduleId) throws Exception {
        HubArgs.trustForSdk(hub);
        return new TwinClient(hub.serviceConnectionString()).get(deviceId, moduleId).getReportedProperties();
    }

    public static Map<String, Object> desired(HubEmulator hub, String deviceId, String moduleId) throws Exception {
        HubArgs.trustForSdk(hub);
        return new TwinClient(hub.serviceConnectionString()).get(deviceId, moduleId).getDesiredProperties();
    }
}
