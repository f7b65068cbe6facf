package dev.iothub.emulator.internal.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import com.microsoft.azure.sdk.iot.service.twin.Twin;
import com.microsoft.azure.sdk.iot.service.twin.TwinClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import java.nio.file.Path;
import javax.net.ssl.HttpsURLConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT persistent sessions (cleanSession=0), as the hub keeps them across disconnects and restarts: the Node
 * device SDK connects so and does not subscribe again after a reconnect, so only a kept subscription gets it
 * desired changes afterwards.
 */
class MqttPersistentSessionTest {
    private static final String ADDRESS = "127.0.0.16";

    @TempDir
    Path data;
    private HubEmulator hub;
    private String key;

    @BeforeEach
    void startWithAModule() throws Exception {
        hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start();
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        registry.addDevice(new Device("d", AuthenticationType.SAS));
        key = registry.addModule(new Module("d", "m", AuthenticationType.SAS)).getPrimaryKey();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aPersistentSessionKeepsItsSubscriptionAcrossReconnects() throws Exception {
        try (RawMqttClient first = connect(false)) {
            assertFalse(first.connAck().variableHeader().isSessionPresent(), "nothing kept yet");
            subscribeToDesired(first, MqttQoS.AT_LEAST_ONCE);
        }

        try (RawMqttClient again = connect(false)) {
            assertTrue(again.connAck().variableHeader().isSessionPresent());
            assertPushed(again, patch(122), MqttQoS.AT_LEAST_ONCE);
        }
    }

    @Test
    void aPersistentSessionOutlivesARestartOnTheSameDataDirectory() throws Exception {
        try (RawMqttClient first = connect(false)) {
            subscribeToDesired(first, MqttQoS.AT_MOST_ONCE);
        }
        hub.close();
        hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start();
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());

        try (RawMqttClient again = connect(false)) {
            assertTrue(again.connAck().variableHeader().isSessionPresent());
            assertPushed(again, patch(7), MqttQoS.AT_MOST_ONCE);
        }
    }

    /**
     * .NET's end-to-end test ReceiveMessagesSentBeforeSubscriptionAsync: messages sent while the device is away
     * come on its next persistent connection before it subscribes again.
     */
    @Test
    void aPersistentSessionKeepsItsCloudToDeviceSubscription() throws Exception {
        try (RawMqttClient first = connect(false)) {
            subscribe(first, "devices/d/modules/m/messages/devicebound/#", MqttQoS.AT_LEAST_ONCE);
        }
        MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.clientSslContext()).build());
        messaging.open();
        try {
            messaging.send("d", "m", new Message("sent while away"));
        } finally {
            messaging.close();
        }

        try (RawMqttClient again = connect(false)) {
            MqttPublishMessage message = (MqttPublishMessage) again.receive();
            try {
                assertTrue(message.variableHeader().topicName().startsWith("devices/d/modules/m/messages/devicebound/%24.")
                        && message.variableHeader().topicName().contains(
                                "&%24.to=%2Fdevices%2Fd%2Fmodules%2Fm%2Fmessages%2Fdevicebound&"),
                        message.variableHeader().topicName());
                assertEquals(MqttQoS.AT_LEAST_ONCE, message.fixedHeader().qosLevel());
            } finally {
                message.release();
            }
        }
    }

    @Test
    void aCleanSessionForgetsWhatWasKept() throws Exception {
        try (RawMqttClient first = connect(false)) {
            subscribeToDesired(first, MqttQoS.AT_LEAST_ONCE);
        }
        try (RawMqttClient clean = connect(true)) {
            assertFalse(clean.connAck().variableHeader().isSessionPresent());
        }
        try (RawMqttClient again = connect(false)) {
            assertFalse(again.connAck().variableHeader().isSessionPresent(), "the clean session forgot it");
        }
    }

    private RawMqttClient connect(boolean cleanSession) throws Exception {
        RawMqttClient client = RawMqttClient.connect(hub, "d", "m", key, 60, cleanSession);
        assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED, client.connAck().variableHeader().connectReturnCode());
        return client;
    }

    private static void subscribeToDesired(RawMqttClient client, MqttQoS qos) throws Exception {
        subscribe(client, "$iothub/twin/PATCH/properties/desired/#", qos);
    }

    private static void subscribe(RawMqttClient client, String filter, MqttQoS qos) throws Exception {
        client.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(qos, filter).build());
        assertEquals(qos.value(), ((MqttSubAckMessage) client.receive()).payload().grantedQoSLevels().get(0));
    }

    private int patch(int interval) throws Exception {
        Twin twin = new Twin("d", "m");
        twin.getDesiredProperties().put("telemetryInterval", interval);
        return new TwinClient(hub.serviceConnectionString()).patch(twin).getDesiredProperties().getVersion();
    }

    private static void assertPushed(RawMqttClient client, int version, MqttQoS qos) throws Exception {
        MqttPublishMessage push = (MqttPublishMessage) client.receive();
        try {
            assertEquals("$iothub/twin/PATCH/properties/desired/?$version=" + version, push.variableHeader().topicName());
            assertEquals(qos, push.fixedHeader().qosLevel());
        } finally {
            push.release();
        }
    }
}
