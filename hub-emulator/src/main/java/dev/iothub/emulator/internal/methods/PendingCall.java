package dev.iothub.emulator.internal.methods;

import dev.iothub.emulator.internal.device.DeviceSession;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One method call not answered yet: its request id, what was asked, its caller's result, the session it was
 * sent to (null while it waits for its target) and the timer of the wait it is in. {@link DirectMethods} guards it.
 */
final class PendingCall {
    private final long requestId;
    private final MethodInvocation invocation;
    private final CompletableFuture<MethodResult> result = new CompletableFuture<>();
    private DeviceSession deliveredTo;
    private ScheduledFuture<?> timer;

    PendingCall(long requestId, MethodInvocation invocation) {
        this.requestId = requestId;
        this.invocation = invocation;
    }

    long requestId() {
        return requestId;
    }

    MethodInvocation invocation() {
        return invocation;
    }

    CompletableFuture<MethodResult> result() {
        return result;
    }

    DeviceSession deliveredTo() {
        return deliveredTo;
    }

    void deliveredTo(DeviceSession session) {
        deliveredTo = session;
    }

    ScheduledFuture<?> timer() {
        return timer;
    }

    void timer(ScheduledFuture<?> scheduled) {
        timer = scheduled;
    }
}
