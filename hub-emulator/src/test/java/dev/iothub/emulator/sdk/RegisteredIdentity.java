package dev.iothub.emulator.sdk;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.testing.HubUnderTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;

/** A device, or a module "m" on one, created in the registry with a key, and the device SDK's clients of it. */
record RegisteredIdentity(HubUnderTest hub, String deviceId, boolean module, String key) {
    static final String MODULE_ID = "m";

    static RegisteredIdentity create(HubUnderTest hub, String deviceId, boolean module) throws Exception {
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        String key = registry.addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
        if (module) {
            key = registry.addModule(new Module(deviceId, MODULE_ID, AuthenticationType.SAS)).getPrimaryKey();
        }
        return new RegisteredIdentity(hub, deviceId, module, key);
    }

    /** The device {@code deviceId}, or its module "m", made first if the registry does not have it. */
    static RegisteredIdentity find(HubUnderTest hub, String deviceId, boolean module) throws Exception {
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        String key;
        try {
            key = registry.getDevice(deviceId).getPrimaryKey();
        } catch (IotHubNotFoundException e) {
            key = registry.addDevice(new Device(deviceId, AuthenticationType.SAS)).getPrimaryKey();
        }
        if (module) {
            try {
                key = registry.getModule(deviceId, MODULE_ID).getPrimaryKey();
            } catch (IotHubNotFoundException e) {
                key = registry.addModule(new Module(deviceId, MODULE_ID, AuthenticationType.SAS)).getPrimaryKey();
            }
        }
        return new RegisteredIdentity(hub, deviceId, module, key);
    }

    /** A client of this identity (not yet open): a ModuleClient for a module, else a DeviceClient. */
    InternalClient client(IotHubClientProtocol protocol, ClientOptions options) throws Exception {
        String connectionString = "HostName=" + hub.hostName() + ";DeviceId=" + deviceId
                + (module ? ";ModuleId=" + MODULE_ID : "") + ";SharedAccessKey=" + key;
        return module ? new ModuleClient(connectionString, protocol, options)
                : new DeviceClient(connectionString, protocol, options);
    }

    /** Each device protocol, with a device and with a module: the arguments (protocol, module). */
    static List<Arguments> everyClient() {
        List<Arguments> clients = new ArrayList<>();
        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS,
                IotHubClientProtocol.AMQPS, IotHubClientProtocol.AMQPS_WS)) {
            clients.add(Arguments.of(protocol, false));
            clients.add(Arguments.of(protocol, true));
        }
        return clients;
    }
}
