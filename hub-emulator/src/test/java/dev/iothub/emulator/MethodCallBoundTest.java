package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawMqttClient;
import dev.iothub.emulator.testing.RawRest;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The emulator's bound on direct method calls not answered yet (README's "Limits"): each holds an HTTPS request
 * and a timer, so beyond the bound a call is throttled as the hub throttles (429), and the calls already
 * waiting go on to their end; then calls are taken again.
 */
class MethodCallBoundTest {

    @Test
    void callsBeyondTheBoundAreThrottledAndTheWaitingOnesGoOn() throws Exception {
        try (HubEmulator hub = HubEmulator.builder().address("127.0.0.62").maxMethodCalls(2).start();
             RawMqttClient device = RawMqttClient.connect(hub, "silent", null,
                     ExternalHub.valueOf(hub.deviceConnectionString("silent"), "SharedAccessKey"), 60, true)) {
            device.send(MqttMessageBuilders.subscribe().messageId(1)
                    .addSubscription(MqttQoS.AT_MOST_ONCE, "$iothub/methods/POST/#").build());
            device.receive(); // SUBACK
            RawRest rest = new RawRest(hub);
            String unanswered = "{\"methodName\":\"m\",\"responseTimeoutInSeconds\":5}";
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> call(rest, unanswered)));
            }
            Conditions.await("both calls sent to the device, which does not answer", () -> hub.receivedOperations()
                    .stream().filter(operation -> operation.equals("silent: method m")).count() == 2);

            HttpResponse<String> throttled = call(rest, unanswered);

            assertEquals(429, throttled.statusCode(), throttled.body());
            assertEquals("ThrottlingException", throttled.headers().firstValue("iothub-errorcode").orElse(null));
            for (CompletableFuture<HttpResponse<String>> call : waiting) {
                assertEquals(504, call.get(30, TimeUnit.SECONDS).statusCode(), "a waiting call goes on to its end");
            }
            device.close();
            assertEquals(404, call(rest, "{\"methodName\":\"m\"}").statusCode(), "taken again once answered");
        }
    }

    private static HttpResponse<String> call(RawRest rest, String body) {
        try {
            return rest.send("POST", "/twins/silent/methods" + RawRest.API, body, rest.ownerToken());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
