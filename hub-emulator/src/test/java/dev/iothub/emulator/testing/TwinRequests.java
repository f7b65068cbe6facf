package dev.iothub.emulator.testing;

import com.microsoft.azure.sdk.iot.device.InternalClient;
import com.microsoft.azure.sdk.iot.device.IotHubStatusCode;
import com.microsoft.azure.sdk.iot.device.Message;
import com.microsoft.azure.sdk.iot.device.exceptions.IotHubClientException;
import com.microsoft.azure.sdk.iot.device.twin.GetTwinCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateCorrelatingMessageCallback;
import com.microsoft.azure.sdk.iot.device.twin.ReportedPropertiesUpdateResponse;
import com.microsoft.azure.sdk.iot.device.twin.Twin;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The device SDK's twin read and reported patch, as its synchronous calls make them, with the one answer the SDK
 * (2.5.0) itself drops told apart from an answer that never came. The SDK hands each answer to two callbacks on two
 * threads and can drop the one its synchronous calls wait for (a race in IotHubTransport.onMessageReceived,
 * azure-iot-sdk-java issue 1803; README, known differences); the other, on its receive thread, always runs. So a
 * request is sent again only when the receive thread shows its answer came and the SDK dropped it; an answer that
 * never came fails the test at once.
 */
public final class TwinRequests {
    private static final int DROPS_IN_A_ROW = 5;

    private TwinRequests() {
    }

    public static Twin getTwin(InternalClient client) throws Exception {
        return request(answer -> client.getTwinAsync(answer, null));
    }

    public static ReportedPropertiesUpdateResponse updateReportedProperties(InternalClient client,
            TwinCollection reported) throws Exception {
        return request(answer -> client.updateReportedPropertiesAsync(reported, answer, null));
    }

    private static <T> T request(Sending<T> send) throws Exception {
        for (int drops = 0; drops < DROPS_IN_A_ROW; drops++) {
            Answer<T> answer = new Answer<>();
            send.accept(answer);
            if (!answer.came.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no answer to a twin request within 10 s");
            }
            if (answer.received.await(1, TimeUnit.SECONDS)) {
                return answer.value();
            }
        }
        throw new AssertionError("the SDK dropped the answer to a twin request " + DROPS_IN_A_ROW + " times in a row");
    }

    @FunctionalInterface
    private interface Sending<T> {
        void accept(Answer<T> answer) throws Exception;
    }

    /** One request's answer: {@link #came} once either callback has it, {@link #received} once the SDK's own has. */
    private static final class Answer<T>
            implements GetTwinCorrelatingMessageCallback, ReportedPropertiesUpdateCorrelatingMessageCallback {
        final CountDownLatch came = new CountDownLatch(1);
        final CountDownLatch received = new CountDownLatch(1);
        private volatile Object value;
        private volatile IotHubClientException failure;

        /** What the synchronous call returns, or throws, as it does: from the SDK's own callback. */
        @SuppressWarnings("unchecked")
        T value() throws IotHubClientException {
            if (failure != null) {
                throw new IotHubClientException(failure.getStatusCode(), failure.getMessage(), failure);
            }
            return (T) value;
        }

        @Override
        public void onResponseReceived(Twin twin, Message answer, Object context, IotHubStatusCode statusCode,
                IotHubClientException e) {
            received(twin, e);
        }

        @Override
        public void onResponseReceived(Message answer, Object context, IotHubStatusCode statusCode,
                ReportedPropertiesUpdateResponse response, IotHubClientException e) {
            received(response, e);
        }

        private void received(Object answered, IotHubClientException e) {
            value = answered;
            failure = e;
            received.countDown();
            came.countDown();
        }

        /** The SDK's receive thread, which always has the answer: it came, whatever became of the other callback. */
        @Override
        public void onResponseAcknowledged(Message answer, Object context) {
            came.countDown();
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
