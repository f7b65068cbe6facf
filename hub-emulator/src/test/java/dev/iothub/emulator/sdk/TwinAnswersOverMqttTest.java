package dev.iothub.emulator.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.DeviceClient;
import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.transport.IotHubTransportMessage;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many twin requests in a row from the device SDK over MQTT and MQTT over WebSocket, each one answered with the
 * right status. The SDK (2.5.0) hands an answer to two callbacks on two threads, and can drop the one on Paho's
 * thread (README, known differences); the one on its receive thread always runs, so a request whose answer
 * reached neither was not answered by the emulator. How many the SDK dropped is reported, not asserted.
 */
class TwinAnswersOverMqttTest {
    private static final int REQUESTS = 250;

    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.50");

    static List<Arguments> clients() {
        List<Arguments> clients = new ArrayList<>();
        for (IotHubClientProtocol protocol : List.of(IotHubClientProtocol.MQTT, IotHubClientProtocol.MQTT_WS)) {
            clients.add(Arguments.of(protocol, "device"));
            clients.add(Arguments.of(protocol, "module"));
        }
        return clients;
    }

    @ParameterizedTest(name = "{1} over {0}")
    @MethodSource("clients")
    void everyTwinRequestIsAnswered(IotHubClientProtocol protocol, String identity, TestReporter reporter)
            throws Exception {
        HubEmulator hub = emulator.hub();
        boolean module = identity.equals("module");
        String deviceId = "answers-" + protocol + "-" + identity;
        String connectionString = module ? hub.moduleConnectionString(deviceId, "m") : hub.deviceConnectionString(deviceId);
        ClientOptions options = ClientOptions.builder().sslContext(hub.clientSslContext()).build();
        InternalClient client = module ? new ModuleClient(connectionString, protocol, options)
                : new DeviceClient(connectionString, protocol, options);
        int droppedBySdk = 0;
        try {
            client.open(false);
            client.subscribeToDesiredProperties((twin, context) -> { }, null);
            for (int i = 0; i < REQUESTS; i++) {
                Answer read = new Answer();
                client.getTwinAsync(read, null);
                assertEquals("200", read.status(), "twin read " + i + "'s answer (null: none within 10 s)");
                droppedBySdk += read.droppedBySdk() ? 1 : 0;

                Answer patch = new Answer();
                TwinCollection reported = new TwinCollection();
                reported.put("count", i);
                client.updateReportedPropertiesAsync(reported, patch, null);
                assertEquals("204", patch.status(), "reported patch " + i + "'s answer (null: none within 10 s)");
                droppedBySdk += patch.droppedBySdk() ? 1 : 0;
            }
        } finally {
            client.close();
        }
        reporter.publishEntry("answers the SDK dropped", droppedBySdk + " of " + 2 * REQUESTS);
    }

    /** What became of one request's answer: the SDK's two callbacks for it, either of which carries it. */
    private static final class Answer
            implements GetTwinCorrelatingMessageCallback, ReportedPropertiesUpdateCorrelatingMessageCallback {
        private final CountDownLatch received = new CountDownLatch(1);
        private final CountDownLatch taken = new CountDownLatch(1);
        private final AtomicReference<String> status = new AtomicReference<>();

        /** The answer's status, or null if neither callback had it within 10 s. */
        String status() throws InterruptedException {
            return taken.await(10, TimeUnit.SECONDS) ? status.get() : null;
        }

        /** Whether the answer reached the receive thread and never the callback that synchronous calls wait for. */
        boolean droppedBySdk() throws InterruptedException {
            return !received.await(1, TimeUnit.SECONDS);
        }

        /** Paho's thread, for a twin read: the callback the SDK's synchronous calls wait for. */
        @Override
        public void onResponseReceived(Twin twin, Message answer, Object context, IotHubStatusCode statusCode,
                IotHubClientException e) {
            received(answer);
        }

        /** Paho's thread, for a reported patch. */
        @Override
        public void onResponseReceived(Message answer, Object context, IotHubStatusCode statusCode,
                ReportedPropertiesUpdateResponse response, IotHubClientException e) {
            received(answer);
        }

        /** The SDK's receive thread, just before it forgets the request. */
        @Override
        public void onResponseAcknowledged(Message answer, Object context) {
            status.compareAndSet(null, ((IotHubTransportMessage) answer).getStatus());
            taken.countDown();
        }

        private void received(Message answer) {
            onResponseAcknowledged(answer, null);
            received.countDown();
        }

        @Override
        public void onRequestQueued(Message request, Object context) {
        }

        @Override
        public void onRequestSent(Message request, Object context) {
        }

        @Override
        public void onRequestAcknowledged(Message request, Object context, IotHubClientException e) {
        }
    }
}
