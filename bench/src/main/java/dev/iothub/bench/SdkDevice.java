package dev.iothub.bench;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import java.io.IOException;
import java.net.URISyntaxException;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;

/**
 * A device registered in the emulator through the service SDK, and device SDK clients of modules made on it: what
 * the figures measuring the SDKs end to end start from. The service SDK takes no SSLContext, so the emulator's CA
 * becomes the process's default trust for HTTPS.
 */
final class SdkDevice {
    private final Emulator hub;
    private final SSLContext tls;
    private final RegistryClient registry;
    private final String deviceId;
    private final String deviceKey;

    private SdkDevice(Emulator hub, SSLContext tls, RegistryClient registry, String deviceId, String deviceKey) {
        this.hub = hub;
        this.tls = tls;
        this.registry = registry;
        this.deviceId = deviceId;
        this.deviceKey = deviceKey;
    }

    static SdkDevice register(Emulator hub, String deviceId) throws IOException, IotHubException {
        SSLContext tls = hub.sslContext();
        HttpsURLConnection.setDefaultSSLSocketFactory(tls.getSocketFactory());
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        Device device = registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        return new SdkDevice(hub, tls, registry, deviceId, device.getPrimaryKey());
    }

    String id() {
        return deviceId;
    }

    SSLContext tls() {
        return tls;
    }

    /** A client of this device over {@code protocol}, not yet open. */
    DeviceClient client(IotHubClientProtocol protocol) {
        return new DeviceClient("HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";SharedAccessKey=" + deviceKey,
                protocol, ClientOptions.builder().sslContext(tls).build());
    }

    /** A new module of this device, and a client of it over {@code protocol}, not yet open. */
    ModuleClient module(String moduleId, IotHubClientProtocol protocol)
            throws IOException, IotHubException, URISyntaxException {
        Module module = registry.addModule(new Module(deviceId, moduleId, AuthenticationType.SAS));
        return new ModuleClient("HostName=" + hub.hostName() + ";DeviceId=" + deviceId + ";ModuleId=" + moduleId
                + ";SharedAccessKey=" + module.getPrimaryKey(), protocol, ClientOptions.builder().sslContext(tls).build());
    }
}
