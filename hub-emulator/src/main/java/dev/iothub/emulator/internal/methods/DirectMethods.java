package dev.iothub.emulator.internal.methods;

import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.device.DeviceSession;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.timing.Timers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The hub's direct methods, whatever the protocols: a service's call waits for its device or module to be
 * connected and subscribed (up to the call's connect timeout), goes to that session once, under a request id
 * of its own, and is answered by the device's response to that id, or by the hub's error when the response
 * timeout passes first or the session ends. A response that comes late, or names no call of its session, is
 * dropped and the session goes on, as on the hub. The protocol adapters subscribe sessions and hand in their
 * responses; the service surface invokes.
 */
public final class DirectMethods {
    private static final RateLimitedLog droppedAnswers = new RateLimitedLog(LoggerFactory.getLogger(DirectMethods.class));

    private final IdentityRegistry registry;
    private final ReceivedOperations received;
    private final int maxCalls;
    private final ScheduledThreadPoolExecutor timers = Timers.daemon("hub-emulator-method-timeouts");
    private final AtomicLong lastRequestId = new AtomicLong();
    /** The session of each identity subscribed, and where its requests go. Guarded by this. */
    private final Map<IdentityId, Subscription> subscriptions = new HashMap<>();
    /** Every call not answered yet, waiting for its target or for its answer, by request id. Guarded by this. */
    private final Map<Long, PendingCall> calls = new HashMap<>();

    private record Subscription(DeviceSession session, MethodChannel channel) {
    }

    /** {@code maxCalls}: the emulator's bound on calls not answered yet, beyond which a call is throttled (429). */
    public DirectMethods(IdentityRegistry registry, DeviceHub devices, ReceivedOperations received, int maxCalls) {
        this.registry = registry;
        this.received = received;
        this.maxCalls = maxCalls;
        devices.addSessionEndListener(this::sessionEnded);
    }

    /**
     * Calls a method on {@code invocation}'s target: its answer, or the hub's error (404103 when the target is
     * not connected and subscribed in time or leaves mid-call, 504101 when it does not answer in time). Throws
     * the hub's 404 for an identity the registry does not know, and 429 beyond the emulator's bound.
     */
    public CompletableFuture<MethodResult> invoke(MethodInvocation invocation) {
        registry.get(invocation.target());
        PendingCall call = new PendingCall(lastRequestId.incrementAndGet(), invocation);
        synchronized (this) {
            if (calls.size() >= maxCalls) {
                throw new HubException(ErrorCode.ThrottlingException, "hub-emulator holds at most " + maxCalls
                        + " direct method calls unanswered at once; try again when some have been answered.");
            }
            Subscription subscription = subscriptions.get(invocation.target());
            if (subscription == null && invocation.connectTimeout().isZero()) {
                call.result().completeExceptionally(notOnline(invocation.connectTimeout()));
                return call.result();
            }
            calls.put(call.requestId(), call);
            if (subscription == null) {
                call.timer(schedule(call, invocation.connectTimeout(), () -> notOnline(invocation.connectTimeout())));
            } else {
                deliver(call, subscription);
            }
        }
        return call.result();
    }

    /**
     * From now on {@code session} takes its identity's method calls on {@code channel}, the calls waiting for it
     * first (a persistent session keeps the subscription). A session that has ended meanwhile takes none.
     */
    public void subscribe(DeviceSession session, MethodChannel channel) {
        received.add(session.identity() + ": method subscribe");
        synchronized (this) {
            if (session.isClosed()) {
                return;
            }
            Subscription subscription = new Subscription(session, channel);
            subscriptions.put(session.identity(), subscription);
            for (PendingCall call : List.copyOf(calls.values())) {
                if (call.deliveredTo() == null && call.invocation().target().equals(session.identity())) {
                    deliver(call, subscription);
                }
            }
        }
        session.methodSubscription(true);
    }

    /** {@code session} takes no more method calls; those it has go on, as its answers may still come. */
    public void unsubscribe(DeviceSession session) {
        received.add(session.identity() + ": method unsubscribe");
        synchronized (this) {
            subscriptions.computeIfPresent(session.identity(), (id, s) -> s.session() == session ? null : s);
        }
        session.methodSubscription(false);
    }

    /** {@code session}'s answer to the request {@code requestId}: its caller's result, unless it came too late. */
    public void respond(DeviceSession session, long requestId, int status, byte[] payload) {
        PendingCall call;
        synchronized (this) {
            call = calls.get(requestId);
            if (call == null || call.deliveredTo() != session) {
                droppedAnswers.info("{} answered method request {}, which it has no call of (answered late?): dropped",
                        session.identity(), requestId);
                return;
            }
            calls.remove(requestId);
            call.timer().cancel(false);
        }
        received.add(session.identity() + ": method " + call.invocation().methodName() + " response " + status);
        call.result().complete(new MethodResult(status, payload));
    }

    /** The hub is stopping: calls not answered yet get its 503, and the timers stop. */
    public void close() {
        List<PendingCall> left;
        synchronized (this) {
            left = new ArrayList<>(calls.values());
            calls.clear();
        }
        timers.shutdownNow();
        HubException stopping = new HubException(ErrorCode.ServiceUnavailable, "hub-emulator is stopping.");
        left.forEach(call -> call.result().completeExceptionally(stopping));
    }

    /** Sends {@code call} to the session subscribed, and from now on waits for its answer. Holds this. */
    private void deliver(PendingCall call, Subscription subscription) {
        if (call.timer() != null) {
            call.timer().cancel(false);
        }
        MethodInvocation invocation = call.invocation();
        call.deliveredTo(subscription.session());
        call.timer(schedule(call, invocation.responseTimeout(), () -> new HubException(ErrorCode.GatewayTimeout,
                "Timed out waiting for the response from device.", Map.of())));
        received.add(invocation.target() + ": method " + invocation.methodName());
        subscription.channel().request(new MethodRequest(call.requestId(), invocation.methodName(),
                invocation.payload()));
    }

    /** Fails {@code call} with {@code error} once {@code after} has passed, unless it was answered or sent on. */
    private ScheduledFuture<?> schedule(PendingCall call, Duration after, Supplier<HubException> error) {
        DeviceSession stage = call.deliveredTo(); // null while the call waits for its target
        return timers.schedule(() -> {
            synchronized (this) {
                if (call.deliveredTo() != stage || !calls.remove(call.requestId(), call)) {
                    return; // sent on or answered meanwhile
                }
            }
            call.result().completeExceptionally(error.get());
        }, after.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The session ended: it takes no more calls, and the calls it had get the hub's error at once. */
    private void sessionEnded(DeviceSession session) {
        List<PendingCall> orphaned = new ArrayList<>();
        synchronized (this) {
            subscriptions.computeIfPresent(session.identity(), (id, s) -> s.session() == session ? null : s);
            calls.values().removeIf(call -> {
                if (call.deliveredTo() == session) {
                    call.timer().cancel(false);
                    orphaned.add(call);
                    return true;
                }
                return false;
            });
        }
        orphaned.forEach(call -> call.result().completeExceptionally(
                new HubException(ErrorCode.DeviceNotOnline, "Device unavailable.", Map.of())));
    }

    /** The hub's 404103, with the connect timeout as it writes a time span. */
    private static HubException notOnline(Duration connectTimeout) {
        long seconds = connectTimeout.toSeconds();
        return new HubException(ErrorCode.DeviceNotOnline, "Timed out waiting for device to connect.", Map.of(
                "timeout", String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)));
    }
}
