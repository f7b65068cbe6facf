package dev.iothub.emulator.internal.device;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends a session when its SAS token expires, as the hub severs a connection then ("When the token expires,
 * the IoT hub severs the device/module connection", the hub's SAS page), unless a renewal (AMQP's CBS put-token)
 * has moved the expiry on. The hub waits a few minutes past the expiry; the emulator does not (see README).
 */
final class TokenExpiries implements AutoCloseable {
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hub-emulator-token-expiries");
        thread.setDaemon(true);
        return thread;
    });

    TokenExpiries(Clock clock) {
        this.clock = clock;
    }

    /** Ends {@code session} once the expiry it has now has passed, if no renewal came meanwhile. */
    void watch(DeviceSession session) {
        Instant expiry = session.tokenExpiry();
        long delay = Duration.between(clock.instant(), expiry).toMillis();
        timer.schedule(() -> endIfExpired(session, expiry), Math.max(0, delay), TimeUnit.MILLISECONDS);
    }

    private void endIfExpired(DeviceSession session, Instant expiry) {
        if (session.isClosed() || !expiry.equals(session.tokenExpiry())) {
            return; // gone, or renewed: the renewal is watched on its own
        }
        if (clock.instant().isBefore(expiry)) {
            watch(session); // the wall clock is a little behind the timer's
            return;
        }
        session.connection().close(Ending.TOKEN_EXPIRED);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
