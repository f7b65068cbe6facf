package dev.iothub.bench;

import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.DirectMethodResponse;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodRequestOptions;
import com.microsoft.azure.sdk.iot.service.methods.DirectMethodsClient;
import java.util.Locale;
import java.util.Map;

/**
 * Direct method round trips: from the service SDK's {@code DirectMethodsClient.invoke} sent to its answer, through
 * a {@code ModuleClient} answering over MQTT and then over AMQPS, one call at a time, both SDK clients in this
 * process, the emulator in its own (in memory). Each call is a REST request, a request to the device, its answer,
 * and the REST answer: twice the hops of a twin patch's round trip, which patch-latency measures beside it.
 */
final class MethodLatency {
    private static final int WARM_UP = 200;
    private static final int CALLS = 1_000;
    private static final String DEVICE = "methods";

    static void run(String address) throws Exception {
        try (Emulator hub = Emulator.start(address, null)) {
            SdkDevice device = SdkDevice.register(hub, DEVICE);
            DirectMethodsClient methods = new DirectMethodsClient(hub.serviceConnectionString());
            measure(device, methods, IotHubClientProtocol.MQTT);
            measure(device, methods, IotHubClientProtocol.AMQPS);
        }
    }

    private static void measure(SdkDevice device, DirectMethodsClient methods, IotHubClientProtocol protocol)
            throws Exception {
        String moduleId = protocol.name().toLowerCase(Locale.ROOT);
        ModuleClient client = device.module(moduleId, protocol);
        client.open(false);
        try {
            client.subscribeToMethods((name, payload, context) ->
                    new DirectMethodResponse(200, payload.getPayloadAsJsonElement()), null);
            DirectMethodRequestOptions options = DirectMethodRequestOptions.builder()
                    .payload(Map.of("setPoint", 21.5)).methodResponseTimeoutSeconds(10).build();
            long[] roundTrip = new long[CALLS];
            for (int i = -WARM_UP; i < CALLS; i++) {
                long sent = System.nanoTime();
                int status = methods.invoke(DEVICE, moduleId, "setPoint", options).getStatus();
                if (status != 200) {
                    throw new IllegalStateException("call " + i + " answered " + status);
                }
                if (i >= 0) {
                    roundTrip[i] = System.nanoTime() - sent;
                }
            }
            String suffix = "_" + moduleId;
            String figure = "method_roundtrip" + suffix;
            Report.figure(figure + "_p50", Report.millis(Report.percentile(roundTrip, 50)), "ms");
            Report.figure(figure + "_p99", Report.millis(Report.percentile(roundTrip, 99)), "ms");
            Report.figure(figure + "_max", Report.millis(Report.percentile(roundTrip, 100)), "ms");
            Report.note("method round trip over %s: %d calls after %d warm-up, one at a time, invoke sent -> its answer,"
                    + " SDK clients in the bench process, emulator in its own (in memory)", protocol, CALLS, WARM_UP);
        } finally {
            client.close();
        }
    }


    private MethodLatency() {
    }
}
