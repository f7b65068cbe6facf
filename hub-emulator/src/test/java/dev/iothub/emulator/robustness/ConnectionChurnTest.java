package dev.iothub.emulator.robustness;

import static dev.iothub.emulator.testing.PutToken.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.LiveObjects;
import dev.iothub.emulator.testing.PutToken;
import dev.iothub.emulator.testing.RawAmqpClient;
import dev.iothub.emulator.testing.RawMqttClient;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Devices that connect and leave all day: once a client has gone, the emulator keeps nothing of its
 * connection, however long its SAS token would still have been good for.
 */
class ConnectionChurnTest {
    private static final String DEVICE_SESSION = "dev.iothub.emulator.internal.device.DeviceSession";
    private static final String CHANNEL = "io.netty.channel.socket.nio.NioSocketChannel";
    private static final String AMQP_ENGINE = "org.apache.qpid.proton.engine.impl.TransportImpl";
    private static final int CYCLES = 300;
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.30");
    private static HubEmulator hub;
    private static String key;

    @BeforeAll
    static void createModule() throws Exception {
        hub = emulator.hub();
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        registry.addDevice(new Device("churn", AuthenticationType.SAS));
        key = registry.addModule(new Module("churn", "m", AuthenticationType.SAS)).getPrimaryKey();
    }

    @Test
    void nothingOfAnMqttClientOutlivesItsConnection() throws Exception {
        long sessionsBefore = LiveObjects.count(DEVICE_SESSION);
        long channelsBefore = LiveObjects.count(CHANNEL);
        for (int i = 0; i < CYCLES; i++) {
            try (RawMqttClient client = RawMqttClient.connect(hub, "churn", "m", key, 60, true)) {
                assertEquals(MqttConnectReturnCode.CONNECTION_ACCEPTED,
                        client.connAck().variableHeader().connectReturnCode());
                if (i % 2 == 0) { // half leave politely, half just go
                    client.send(new MqttMessage(new MqttFixedHeader(MqttMessageType.DISCONNECT, false,
                            MqttQoS.AT_MOST_ONCE, false, 0)));
                }
            }
        }

        String why = "the emulator keeps what it had of " + CYCLES + " MQTT connections that ended";
        LiveObjects.awaitAtMost(sessionsBefore, DEVICE_SESSION, why, Duration.ofSeconds(10));
        LiveObjects.awaitAtMost(channelsBefore, CHANNEL, why, Duration.ofSeconds(10));
    }

    @Test
    void nothingOfAnAmqpClientOutlivesItsConnection() throws Exception {
        long sessionsBefore = LiveObjects.count(DEVICE_SESSION);
        long enginesBefore = LiveObjects.count(AMQP_ENGINE);
        String resource = hub.hostName() + "/devices/churn/modules/m";
        for (int i = 0; i < CYCLES / 3; i++) {
            try (RawAmqpClient client = new RawAmqpClient(hub.clientSslContext(), hub.hostName(), true)) {
                client.open(hub.hostName());
                String token = SharedAccessSignature.sign(resource, key, null, Instant.now().plusSeconds(365 * 86400));
                assertStatus(200, PutToken.exchange(client, client.session(),
                        PutToken.request(UUID.randomUUID(), "put-token", resource, token)));
            }
        }

        String why = "the emulator keeps what it had of " + CYCLES / 3 + " AMQP connections that ended";
        LiveObjects.awaitAtMost(sessionsBefore, DEVICE_SESSION, why, Duration.ofSeconds(10));
        LiveObjects.awaitAtMost(enginesBefore, AMQP_ENGINE, why, Duration.ofSeconds(10));
    }
}
