package dev.iothub.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What one benchmark connection reports, whatever its protocol: once, whether it got as far as its
 * subscription to desired patches; then each desired patch it receives. Called from the connection's event loop.
 */
final class ModuleEvents {
    private final AtomicReference<CountDownLatch> patches;
    private final Runnable onSettled;
    private final AtomicInteger failed;
    private boolean settled;

    /**
     * @param patches   counted down once per patch received; replaced by the benchmark before each round
     * @param onSettled run once, when the connection has subscribed or failed
     * @param failed    counts the connections that never subscribed
     */
    ModuleEvents(AtomicReference<CountDownLatch> patches, Runnable onSettled, AtomicInteger failed) {
        this.patches = patches;
        this.onSettled = onSettled;
        this.failed = failed;
    }

    /** Reports once whether the connection got as far as its subscription; later calls change nothing. */
    synchronized void settle(boolean subscribed) {
        if (!settled) {
            settled = true;
            if (!subscribed) {
                failed.incrementAndGet();
            }
            onSettled.run();
        }
    }

    void patchArrived() {
        patches.get().countDown();
    }
}
