package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.device.twin.MethodCallback;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubGatewayTimeoutException;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import dev.iothub.emulator.testing.HubUnderTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Direct methods as the Java SDKs use them, after their e2e DirectMethodsTests: the service's
 * {@code DirectMethodsClient} calls a method on a {@code DeviceClient} or {@code ModuleClient} that subscribed
 * with {@code subscribeToMethods}, over each device protocol, and gets the device's status and payload; the
 * hub's errors for a device offline (404103), one that does not answer in time (504101, after which the same
 * connection answers the next call) and one that leaves mid-call (at once, not after the response timeout).
 */
class DirectMethodsTest {
    @RegisterExtension
    static final HubUnderTest hub = new HubUnderTest("127.0.0.60");

    @ParameterizedTest(name = "module {1} over {0}")
    @MethodSource("dev.iothub.emulator.sdk.RegisteredIdentity#everyClient")
    void theDeviceAnswersWithItsStatusAndPayload(IotHubClientProtocol protocol, boolean module) throws Exception {
        Identity identity = identity("methods-" + protocol + (module ? "-module" : ""), module);
        AtomicReference<String> seen = new AtomicReference<>();
        try (Connected device = identity.connect(protocol, (name, payload, context) -> {
            seen.set(name + " " + payload.getPayloadAsJsonString());
            return new DirectMethodResponse(201, payload.getPayloadAsJsonElement());
        })) {
            var response = identity.invoke("echo", DirectMethodRequestOptions.builder()
                    .payload(Map.of("k1", "v1")).methodResponseTimeoutSeconds(30).build());

            assertEquals(201, response.getStatus());
            assertEquals(JsonParser.parseString("{\"k1\":\"v1\"}"), response.getPayloadAsJsonElement());
            assertEquals("echo {\"k1\":\"v1\"}", seen.get());
        }
    }

    @ParameterizedTest(name = "over {0}")
    @MethodSource("protocols")
    void aNullPayloadReachesTheDeviceAsNullAndComesBackAsNull(IotHubClientProtocol protocol) throws Exception {
        Identity identity = identity("methods-null-" + protocol, false);
        AtomicReference<JsonElement> seen = new AtomicReference<>();
        try (Connected device = identity.connect(protocol, (name, payload, context) -> {
            seen.set(payload.getPayloadAsJsonElement());
            return new DirectMethodResponse(200, null);
        })) {
            var response = identity.invoke("nothing", DirectMethodRequestOptions.builder().build());

            assertEquals(200, response.getStatus());
            assertEquals(JsonNull.INSTANCE, seen.get(), "the SDK sends \"payload\":null; the device reads null");
            assertTrue(response.getPayloadAsJsonElement() == null || response.getPayloadAsJsonElement().isJsonNull(),
                    () -> "no payload back, but " + response.getPayloadAsJsonElement());
        }
    }

    static List<IotHubClientProtocol> protocols() {
        return List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.AMQPS);
    }

    @Test
    void aDeviceNotConnectedIsOfflineAtOnce() throws Exception {
        Identity identity = identity("methods-offline", false);

        IotHubNotFoundException e = assertThrows(IotHubNotFoundException.class, () -> identity.invoke("reboot",
                DirectMethodRequestOptions.builder().methodConnectTimeoutSeconds(0).build()));

        assertEquals(404103, e.getErrorCode(), e::getMessage);
    }

    @Test
    void aDeviceConnectedButNotSubscribedIsOfflineAfterTheConnectTimeout() throws Exception {
        Identity identity = identity("methods-unsubscribed", true);
        try (Connected device = identity.connect(IotHubClientProtocol.MQTT, null)) {
            long started = System.nanoTime();
            IotHubNotFoundException e = assertThrows(IotHubNotFoundException.class, () -> identity.invoke("reboot",
                    DirectMethodRequestOptions.builder().methodConnectTimeoutSeconds(1).build()));

            assertEquals(404103, e.getErrorCode(), e::getMessage);
            assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(1), "the hub waits the connect timeout");
        }
    }

    @Test
    void aCallWaitsForTheDeviceToConnectAndSubscribe() throws Exception {
        Identity identity = identity("methods-late", false);
        CompletableFuture<com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse> call =
                CompletableFuture.supplyAsync(() -> {
                    try {
                        return identity.invoke("wake", DirectMethodRequestOptions.builder()
                                .methodConnectTimeoutSeconds(60).methodResponseTimeoutSeconds(30).build());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        try (Connected device = identity.connect(IotHubClientProtocol.AMQPS,
                (name, payload, context) -> new DirectMethodResponse(200, "awake"))) {
            assertEquals("\"awake\"", call.get(30, TimeUnit.SECONDS).getPayloadAsJsonString());
        }
    }

    @ParameterizedTest(name = "over {0}")
    @MethodSource("protocols")
    void noAnswerInTimeIsAGatewayTimeoutAndTheConnectionAnswersTheNextCall(IotHubClientProtocol protocol)
            throws Exception {
        Identity identity = identity("methods-slow-" + protocol, false);
        CountDownLatch answer = new CountDownLatch(1);
        try (Connected device = identity.connect(protocol, (name, payload, context) -> {
            if (name.equals("slow")) {
                await(answer);
            }
            return new DirectMethodResponse(200, name);
        })) {
            long started = System.nanoTime();
            IotHubGatewayTimeoutException e = assertThrows(IotHubGatewayTimeoutException.class, () -> identity.invoke(
                    "slow", DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(5).build()));
            answer.countDown(); // the late answer is dropped; the connection goes on

            assertEquals(504101, e.getErrorCode(), e::getMessage);
            assertTrue(System.nanoTime() - started >= TimeUnit.SECONDS.toNanos(5), "the hub waits the response timeout");
            assertEquals("\"fast\"", identity.invoke("fast", DirectMethodRequestOptions.builder()
                    .methodResponseTimeoutSeconds(30).build()).getPayloadAsJsonString());
        } finally {
            answer.countDown();
        }
    }

    @ParameterizedTest(name = "over {0}")
    @MethodSource("protocols")
    void aDeviceThatLeavesMidCallFailsTheCallAtOnce(IotHubClientProtocol protocol) throws Exception {
        Identity identity = identity("methods-leaving-" + protocol, false);
        CountDownLatch invoked = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (Connected device = identity.connect(protocol, (name, payload, context) -> {
            invoked.countDown();
            await(answer);
            return new DirectMethodResponse(200, null);
        })) {
            CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
                try {
                    identity.invoke("hang", DirectMethodRequestOptions.builder().methodResponseTimeoutSeconds(300).build());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(invoked.await(30, TimeUnit.SECONDS), "the device got the call");

            hub.emulator("drops the device's connection").dropConnections(identity.deviceId());

            ExecutionException failed = assertThrows(ExecutionException.class, () -> call.get(30, TimeUnit.SECONDS));
            IotHubNotFoundException e = (IotHubNotFoundException) failed.getCause().getCause();
            assertEquals(404103, e.getErrorCode(), e::getMessage);
        } finally {
            answer.countDown();
        }
    }

    /** The SDKs reconnect after the hub drops them, as it does now and then; their methods work again. */
    @ParameterizedTest(name = "module {1} over {0}")
    @MethodSource("dev.iothub.emulator.sdk.RegisteredIdentity#everyClient")
    void aDeviceThatReconnectsTakesCallsAgain(IotHubClientProtocol protocol, boolean module) throws Exception {
        Identity identity = identity("methods-back-" + protocol + (module ? "-module" : ""), module);
        try (Connected device = identity.connect(protocol, (name, payload, context) -> new DirectMethodResponse(200, name))) {
            assertEquals("\"before\"", identity.invoke("before", DirectMethodRequestOptions.builder().build())
                    .getPayloadAsJsonString());

            hub.emulator("drops the device's connection").dropConnections(identity.deviceId());

            assertEquals("\"after\"", identity.invoke("after", DirectMethodRequestOptions.builder()
                    .methodConnectTimeoutSeconds(60).build()).getPayloadAsJsonString());
        }
    }

    /** A device (or a module, if {@code module}) registered with an id made of {@code name}. */
    private static Identity identity(String name, boolean module) throws Exception {
        return new Identity(RegisteredIdentity.create(hub, hub.deviceId(name), module));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A device client subscribed to methods (or not, without a callback), closed with the test. */
    private record Connected(InternalClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    /** A registered device or module, its client subscribed to methods, and the service calling its methods. */
    private record Identity(RegisteredIdentity registered) {
        String deviceId() {
            return registered.deviceId();
        }

        Connected connect(IotHubClientProtocol protocol, MethodCallback callback) throws Exception {
            InternalClient client = registered.client(protocol,
                    ClientOptions.builder().sslContext(hub.clientSslContext()).build());
            client.open(true);
            if (callback != null) {
                client.subscribeToMethods(callback, null);
            }
            return new Connected(client);
        }

        com.microsoft.azure.sdk.iot.service.methods.DirectMethodResponse invoke(String methodName,
                DirectMethodRequestOptions options) throws IotHubException, java.io.IOException {
            DirectMethodsClient methods = new DirectMethodsClient(hub.serviceConnectionString());
            return registered.module()
                    ? methods.invoke(deviceId(), RegisteredIdentity.MODULE_ID, methodName, options)
                    : methods.invoke(deviceId(), methodName, options);
        }
    }
}
