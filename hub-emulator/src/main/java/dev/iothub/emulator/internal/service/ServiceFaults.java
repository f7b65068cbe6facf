package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test asks of the REST API, as data: the next requests answered with the hub's 429, 500 or 503, and
 * answers held back a while, so that a client's retries and time-outs can be seen at work.
 */
public final class ServiceFaults {
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private volatile ErrorCode failure = ErrorCode.ServiceUnavailable;
    private volatile Duration delay = Duration.ZERO;

    /** The next {@code count} requests get {@code status}: 429 (throttled), 500 or 503, in the hub's words. */
    public void failNext(int count, int status) {
        failure = switch (status) {
            case 429 -> ErrorCode.ThrottlingException;
            case 500 -> ErrorCode.ServerError;
            case 503 -> ErrorCode.ServiceUnavailable;
            default -> throw new IllegalArgumentException("the hub's transient failures are 429, 500 and 503, not " + status);
        };
        failuresLeft.set(count);
    }

    public void delay(Duration delay) {
        this.delay = delay;
    }

    public Duration delay() {
        return delay;
    }

    public void clear() {
        failuresLeft.set(0);
        delay = Duration.ZERO;
    }

    /** Throws the failure asked for, if one is still due. */
    void apply() {
        if (failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            throw new HubException(failure, "hub-emulator was told to fail this request (a fault a test asked for).");
        }
    }
}
