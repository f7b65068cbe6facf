package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.RawMqttClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Stopping the emulator while modules send twin requests as fast as they can, as a test's {@code @AfterAll}
 * or SIGTERM may: every connection ends and nothing is logged. It used to log Netty's rejected tasks (a
 * connection's last hops meeting stopped threads), after a wait behind every request still queued.
 */
class StopUnderLoadTest {
    private static final int MODULES = 20;

    @RepeatedTest(3)
    void stopsWithoutALogLineWhileModulesSendAsFastAsTheyCan() throws Exception {
        HubEmulator hub = HubEmulator.builder().address("127.0.0.18").start();
        SSLSocketFactory previousDefault = HttpsURLConnection.getDefaultSSLSocketFactory();
        HttpsURLConnection.setDefaultSSLSocketFactory(hub.clientSslContext().getSocketFactory());
        PrintStream previousErr = System.err;
        List<Thread> clients = new ArrayList<>();
        try {
            RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
            AtomicLong sent = new AtomicLong();
            for (int i = 0; i < MODULES; i++) {
                String deviceId = "busy-" + i;
                registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
                String key = registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS)).getPrimaryKey();
                RawMqttClient client = RawMqttClient.connect(hub, deviceId, "m", key, 0, true);
                client.send(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_MOST_ONCE, "$iothub/twin/res/#").build());
                clients.add(new Thread(() -> sendUntilClosed(client, sent)));
                clients.add(new Thread(() -> readUntilClosed(client)));
            }
            clients.forEach(Thread::start);
            Conditions.await("the modules have sent 50,000 twin requests", Duration.ofSeconds(60),
                    () -> sent.get() >= 50_000);

            ByteArrayOutputStream log = new ByteArrayOutputStream();
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            hub.close();
            for (Thread client : clients) {
                client.join(Duration.ofSeconds(30).toMillis());
                assertFalse(client.isAlive(), "every connection has ended");
            }
            assertEquals("", log.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(previousErr);
            HttpsURLConnection.setDefaultSSLSocketFactory(previousDefault);
            hub.close();
        }
    }

    private static void sendUntilClosed(RawMqttClient client, AtomicLong sent) {
        try {
            for (int rid = 0; ; rid++) {
                String topic = rid % 2 == 0 ? "$iothub/twin/GET/?$rid=" + rid
                        : "$iothub/twin/PATCH/properties/reported/?$rid=" + rid;
                client.send(MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.AT_MOST_ONCE)
                        .payload(Unpooled.copiedBuffer("{\"sent\":" + rid + "}", StandardCharsets.UTF_8)).build());
                sent.incrementAndGet();
            }
        } catch (IOException closed) {
            // the emulator has stopped
        }
    }

    private static void readUntilClosed(RawMqttClient client) {
        try {
            while (client.receive() != null) {
                // read only so that the emulator can go on answering
            }
        } catch (IOException closed) {
            // the emulator has stopped
        }
    }
}
