package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Holds each test class until all three have their emulator running: they run at the same time, or fail. */
final class Together {
    private static final CountDownLatch RUNNING = new CountDownLatch(3);

    private Together() {
    }

    static void arrive() throws InterruptedException {
        RUNNING.countDown();
        assertTrue(RUNNING.await(2, TimeUnit.MINUTES), "the other test classes did not run meanwhile");
    }
}
