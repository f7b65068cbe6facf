package dev.iothub.emulator.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubMessageResult;
import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.Conditions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cloud-to-device messages wait in the store: a device away across a restart still gets them, in order. */
class CloudToDeviceRestartTest {
    private static final String ADDRESS = "127.0.0.64";
    @TempDir
    Path dataDirectory;
    private SSLSocketFactory previousDefault;

    @BeforeEach
    void rememberTrust() {
        previousDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
    }

    @AfterEach
    void restoreTrust() {
        HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
    }

    @Test
    void messagesQueuedBeforeARestartReachTheDeviceAfterIt() throws Exception {
        String key;
        try (HubEmulator hub = start()) {
            key = new RegistryClient(hub.serviceConnectionString())
                    .addDevice(new Device("away", AuthenticationType.SAS)).getPrimaryKey();
            MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(),
                    IotHubServiceClientProtocol.AMQPS,
                    MessagingClientOptions.builder().sslContext(hub.clientSslContext()).build());
            messaging.open();
            try {
                for (String body : new String[] {"first", "second"}) {
                    Message message = new Message(body.getBytes(StandardCharsets.UTF_8));
                    message.setMessageId(body + "-id");
                    message.setProperties(Map.of("order", body));
                    messaging.send("away", message);
                }
            } finally {
                messaging.close();
            }
        }

        try (HubEmulator hub = start()) {
            RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
            assertEquals(2, registry.getDevice("away").getCloudToDeviceMessageCount());
            BlockingQueue<com.microsoft.azure.sdk.iot.device.Message> received = new LinkedBlockingQueue<>();
            DeviceClient device = new DeviceClient("HostName=" + hub.hostName() + ";DeviceId=away;SharedAccessKey="
                    + key, IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(hub.clientSslContext()).build());
            device.setMessageCallback((message, context) -> {
                received.add(message);
                return IotHubMessageResult.COMPLETE;
            }, null);
            device.open(true);
            try {
                for (String body : new String[] {"first", "second"}) {
                    com.microsoft.azure.sdk.iot.device.Message message = received.poll(30, TimeUnit.SECONDS);
                    assertEquals(body, new String(message.getBytes(), StandardCharsets.UTF_8));
                    assertEquals(body + "-id", message.getMessageId());
                    assertEquals(body, message.getProperty("order"));
                }
                Conditions.await("both completed", () -> registry.getDevice("away").getCloudToDeviceMessageCount() == 0);
            } finally {
                device.close();
            }
        }
    }

    private HubEmulator start() throws Exception {
        HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(dataDirectory).start();
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());
        return hub;
    }
}
