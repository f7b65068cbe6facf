package dev.iothub.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;

/** Several REST clients at once, each a thread with its own keep-alive connection. */
final class Clients {
    /** What one client does with its connection; {@code index} is 0 to clients-1. */
    @FunctionalInterface
    interface Work {
        void run(Rest rest, int index) throws Exception;
    }

    /** What is done to each item, by whichever client has it. */
    @FunctionalInterface
    interface ItemWork<T> {
        void run(Rest rest, T item) throws Exception;
    }

    private Clients() {
    }

    /** Runs {@code work} on {@code clients} connections at once and returns when all are done. */
    static void run(Emulator hub, SSLContext tls, int clients, Work work) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int index = i;
                done.add(threads.submit(() -> {
                    try (Rest rest = new Rest(hub, tls)) {
                        work.run(rest, index);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    /** Shares {@code items} out among {@code clients} connections, each taking every clients-th item. */
    static <T> void forEach(Emulator hub, SSLContext tls, int clients, List<T> items, ItemWork<T> work) throws Exception {
        run(hub, tls, clients, (rest, index) -> {
            for (int i = index; i < items.size(); i += clients) {
                work.run(rest, items.get(i));
            }
        });
    }

    /** Fails loudly on an answer other than {@code expected}: a benchmark of errors measures nothing. */
    static Rest.Response expect(int expected, Rest.Response response, String what) {
        if (response.status() != expected) {
            throw new IllegalStateException(what + " answered " + response.status() + ": " + response.body());
        }
        return response;
    }
}
