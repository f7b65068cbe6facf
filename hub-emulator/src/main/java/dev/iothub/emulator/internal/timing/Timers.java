package dev.iothub.emulator.internal.timing;

import java.util.concurrent.ScheduledThreadPoolExecutor;

/** The emulator's timers (token expiries, method timeouts, cloud-to-device locks): one thread each. */
public final class Timers {
    private Timers() {
    }

    /**
     * A timer on one daemon thread named {@code threadName}, so that it never keeps the JVM alive; a cancelled task
     * is dropped at once, as most are cancelled long before they are due (a year's token, a minute's lock).
     */
    public static ScheduledThreadPoolExecutor daemon(String threadName) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
