package dev.iothub.emulator.internal.device;

import dev.iothub.emulator.internal.timing.Timers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends a session when its SAS token expires, as the hub severs a connection then ("When the token expires,
 * the IoT hub severs the device/module connection", the hub's SAS page), unless a renewal (AMQP's CBS put-token)
 * has moved the expiry on. The hub waits a few minutes past the expiry; the emulator does not (see README).
 * A session that ends is forgotten at once: a pending expiry would hold it, and its connection, for as long as
 * its token was good for (a year, for some devices).
 */
final class TokenExpiries implements AutoCloseable {
    private final Clock clock;
    private final ScheduledThreadPoolExecutor timer = Timers.daemon("hub-emulator-token-expiries");
    private final Map<DeviceSession, ScheduledFuture<?>> watched = new ConcurrentHashMap<>();

    TokenExpiries(Clock clock) {
        this.clock = clock;
    }

    /** Ends {@code session} once the expiry it has now has passed, if no renewal came meanwhile. */
    void watch(DeviceSession session) {
        Instant expiry = session.tokenExpiry();
        long delay = Duration.between(clock.instant(), expiry).toMillis();
        cancel(watched.put(session, timer.schedule(() -> endIfExpired(session, expiry), Math.max(0, delay),
                TimeUnit.MILLISECONDS)));
        if (session.isClosed()) {
            forget(session); // it ended while this was being set up
        }
    }

    /** {@code session} has ended: nothing of it is kept. */
    void forget(DeviceSession session) {
        cancel(watched.remove(session));
    }

    private void endIfExpired(DeviceSession session, Instant expiry) {
        if (session.isClosed() || !expiry.equals(session.tokenExpiry())) {
            return; // gone, or renewed: the renewal is watched on its own
        }
        if (clock.instant().isBefore(expiry)) {
            watch(session); // the wall clock is a little behind the timer's
            return;
        }
        watched.remove(session);
        session.connection().close(Ending.TOKEN_EXPIRED);
    }

    private static void cancel(ScheduledFuture<?> task) {
        if (task != null) {
            task.cancel(false);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        watched.clear();
    }
}
