package dev.iothub.emulator.internal.operations;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * What the hub was asked to do, in order, for tests to assert on (as MockWebServer records requests): REST
 * calls as {@code PUT /devices/d1}, device operations as {@code d1/m: twin GET}. The last 10,000 are kept.
 */
public final class ReceivedOperations {
    private static final int KEPT = 10_000;

    private final Deque<String> operations = new ArrayDeque<>();

    public synchronized void add(String operation) {
        if (operations.size() == KEPT) {
            operations.removeFirst();
        }
        operations.addLast(operation);
    }

    public synchronized List<String> snapshot() {
        return List.copyOf(operations);
    }

    public synchronized void clear() {
        operations.clear();
    }
}
