package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.microsoft.azure.sdk.iot.service.messaging.IotHubServiceClientProtocol;
import com.microsoft.azure.sdk.iot.service.messaging.Message;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClient;
import com.microsoft.azure.sdk.iot.service.messaging.MessagingClientOptions;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawMqttClient;
import dev.iothub.emulator.testing.RawRest;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A cloud-to-device message a device holds and does not settle goes back to its queue when its lock runs out (the
 * hub's minute, a second here), and is delivered again, on the same connection, until the device settles it.
 */
class CloudToDeviceLockTest {

    @Test
    @SuppressWarnings("try") // the device's connection is open on purpose while the lock runs out
    void aMessageNotAcknowledgedWithinItsLockIsDeliveredAgain() throws Exception {
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.64").cloudToDeviceLock(Duration.ofSeconds(1))
                .start()) {
            String key = ExternalHub.valueOf(hub.deviceConnectionString("holder"), "SharedAccessKey");
            try (RawMqttClient device = RawMqttClient.connect(hub, "holder", null, key, 60, true)) {
                device.send(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, "devices/holder/messages/devicebound/#").build());
                device.receive(); // the SUBACK
                send(hub, "holder", 1);

                MqttPublishMessage first = (MqttPublishMessage) device.receive();
                MqttPublishMessage again = (MqttPublishMessage) device.receive(); // no PUBACK: after the lock
                assertEquals(first.variableHeader().topicName(), again.variableHeader().topicName());
                assertNotEquals(first.variableHeader().packetId(), again.variableHeader().packetId());
                device.send(MqttMessageBuilders.pubAck().packetId(again.variableHeader().packetId()).build());

                RawRest rest = new RawRest(hub);
                Conditions.await("the message completed", () -> rest.send("GET", "/devices/holder" + RawRest.API,
                        null, rest.ownerToken()).body().contains("\"cloudToDeviceMessageCount\":0"));
                first.release();
                again.release();
            }
        }
    }

    /**
     * Ten messages out unacknowledged are as many as the hub has out on one MQTT connection; once their locks run
     * out they come again, the PUBACKs of their first deliveries no longer awaited.
     */
    @Test
    @SuppressWarnings("try") // the device's connection is open on purpose while the locks run out
    void messagesOutUnacknowledgedAsManyAsAllowedComeAgainWhenTheirLocksRunOut() throws Exception {
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.64").cloudToDeviceLock(Duration.ofSeconds(1))
                .start()) {
            String key = ExternalHub.valueOf(hub.deviceConnectionString("silent"), "SharedAccessKey");
            try (RawMqttClient device = RawMqttClient.connect(hub, "silent", null, key, 60, true)) {
                device.send(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, "devices/silent/messages/devicebound/#").build());
                device.receive(); // the SUBACK
                send(hub, "silent", 10);

                for (int delivery = 0; delivery < 20; delivery++) { // each twice, the second time after its lock
                    ((MqttPublishMessage) device.receive()).release();
                }
            }
        }
    }

    private static void send(HubEmulator hub, String deviceId, int count) throws Exception {
        MessagingClient messaging = new MessagingClient(hub.serviceConnectionString(), IotHubServiceClientProtocol.AMQPS,
                MessagingClientOptions.builder().sslContext(hub.clientSslContext()).build());
        messaging.open();
        try {
            for (int i = 0; i < count; i++) {
                messaging.send(deviceId, new Message("held " + i));
            }
        } finally {
            messaging.close();
        }
    }
}
