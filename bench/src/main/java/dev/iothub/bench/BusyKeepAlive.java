package dev.iothub.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Issue 16's busy keep-alive connection: one HTTPS connection that sends requests back to back, each as soon as
 * the last is answered, for {@code -Dbench.keepAliveSeconds} (180 by default: six of the emulator's 30 s request
 * deadlines; at most an hour, the life of the bench's token): GETs of a twin and, every tenth request, a PUT
 * replacing its desired properties with 20 KB. A connection this busy should never be closed; if the emulator
 * closes it, the request it was sent is counted unanswered and a new connection goes on.
 */
final class BusyKeepAlive {
    private static final String TWIN = "/twins/busy";
    private static final int PUT_EVERY = 10;
    /** 5 strings of 4,000 characters: 20 KB, within the hub's 4 KB a string and 32 KB of desired properties. */
    private static final String PUT_BODY = "{\"properties\":{\"desired\":{\"a\":\"%1$s\",\"b\":\"%1$s\",\"c\":\"%1$s\","
            + "\"d\":\"%1$s\",\"e\":\"%1$s\"}}}";

    private BusyKeepAlive() {
    }

    static void run(String address) throws Exception {
        Duration duration = Duration.ofSeconds(Long.getLong("bench.keepAliveSeconds", 180));
        String put = String.format(PUT_BODY, "x".repeat(4000));
        long sent = 0;
        long answered = 0;
        long notOk = 0;
        List<String> closedAt = new ArrayList<>();
        try (Emulator hub = Emulator.start(address, null)) {
            SSLContext tls = hub.sslContext();
            Rest rest = new Rest(hub, tls);
            try {
                Clients.expect(200, rest.send("PUT", "/devices/busy", "{\"deviceId\":\"busy\"}"), "the device");
                long connected = System.nanoTime();
                long end = connected + duration.toNanos();
                while (System.nanoTime() < end) {
                    sent++;
                    try {
                        Rest.Response answer = sent % PUT_EVERY == 0 ? rest.send("PUT", TWIN, put) : rest.send("GET", TWIN, null);
                        answered++;
                        notOk += answer.status() == 200 ? 0 : 1;
                    } catch (IOException e) {
                        closedAt.add(String.format("%.1f s", (System.nanoTime() - connected) / 1e9));
                        rest.close();
                        rest = new Rest(hub, tls);
                        connected = System.nanoTime();
                    }
                }
            } finally {
                rest.close();
            }
        }
        Report.figure("keep_alive_seconds", duration.toSeconds(), "s");
        Report.figure("keep_alive_requests_sent", sent, "requests");
        Report.figure("keep_alive_requests_answered", answered, "requests");
        Report.figure("keep_alive_requests_unanswered", sent - answered, "requests");
        Report.figure("keep_alive_answers_not_200", notOk, "requests");
        Report.figure("keep_alive_connection_closes", closedAt.size(), "closes");
        Report.figure("keep_alive_requests_per_s", sent / (double) duration.toSeconds(), "requests/s");
        if (!closedAt.isEmpty()) {
            Report.note("keep_alive: the emulator closed the connection with a request unanswered at ages %s", closedAt);
        }
    }
}
