package dev.iothub.emulator.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawMqttClient;
import dev.iothub.emulator.testing.RawRest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent MQTT session's subscription to direct methods outlives a restart on the same data directory, as
 * its subscription to desired changes does: the Java SDK resumes its session without subscribing again.
 */
class MethodSubscriptionRestartTest {
    private static final String ADDRESS = "127.0.0.62";

    @TempDir
    Path data;

    @Test
    void aResumedSessionTakesCallsAfterARestart() throws Exception {
        String key;
        try (HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start()) {
            key = ExternalHub.valueOf(hub.deviceConnectionString("kept"), "SharedAccessKey");
            try (RawMqttClient device = RawMqttClient.connect(hub, "kept", null, key, 60, false)) {
                device.send(MqttMessageBuilders.subscribe().messageId(1)
                        .addSubscription(MqttQoS.AT_LEAST_ONCE, "$iothub/methods/POST/#").build());
                device.receive(); // SUBACK
            }
        }
        try (HubEmulator hub = HubEmulator.builder().address(ADDRESS).dataDirectory(data).start();
             RawMqttClient device = RawMqttClient.connect(hub, "kept", null, key, 60, false)) {
            assertTrue(device.connAck().variableHeader().isSessionPresent());
            RawRest rest = new RawRest(hub);
            CompletableFuture<HttpResponse<String>> call = CompletableFuture.supplyAsync(() -> {
                try {
                    return rest.send("POST", "/twins/kept/methods" + RawRest.API,
                            "{\"methodName\":\"resume\",\"connectTimeoutInSeconds\":5}", rest.ownerToken());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            MqttPublishMessage request = (MqttPublishMessage) device.receive();
            String topic = request.variableHeader().topicName();
            request.release();
            device.send(MqttMessageBuilders.publish().qos(MqttQoS.AT_MOST_ONCE).retained(false)
                    .topicName("$iothub/methods/res/200" + topic.substring(topic.indexOf("/?$rid=")))
                    .payload(Unpooled.copiedBuffer(new byte[] {'1'})).build());

            HttpResponse<String> answer = call.get(10, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("{\"status\":200,\"payload\":1}", answer.body());
        }
    }
}
