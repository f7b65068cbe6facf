package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.transport.Limits;
import dev.iothub.emulator.testing.RawRest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTPS keep-alive connection kept busy for several times the request and idle limits: the limits end
 * connections that are slow or idle, never one that is being answered. The limits are shortened to a second.
 */
class BusyHttpsConnectionTest {
    private static final Duration LIMIT = Duration.ofSeconds(1);
    /** The race between threads this guards against closed the connection within this long in 6 runs of 6. */
    private static final Duration BUSY = LIMIT.multipliedBy(8);
    private static final int PIPELINED = 8;
    private static final int ROUNDS_PER_PUT = 10;
    private static HubEmulator hub;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        hub = HubEmulator.builder().address("127.0.0.20")
                .limits(new Limits(LIMIT, LIMIT, Limits.defaultMaxConnections())).start();
        RawRest rest = new RawRest(hub);
        token = rest.ownerToken();
        for (String device : new String[] {"read", "written"}) {
            assertEquals(200, rest.send("PUT", "/devices/" + device + RawRest.API, "{\"deviceId\":\"" + device + "\"}",
                    token).statusCode());
        }
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /**
     * Back-to-back GETs, bursts of pipelined GETs, and now and then a 20 KB PUT, for eight limits: every request
     * is answered and the connection stays open; once its client falls silent, it is closed as idle.
     */
    @Test
    void aConnectionAnsweringRequestsIsClosedOnlyOnceIdle() throws Exception {
        String value = "\"" + "x".repeat(4000) + "\"";
        String put = request("PUT", "written", "{\"properties\":{\"desired\":{" + IntStream.rangeClosed(1, 5)
                .mapToObj(i -> "\"k" + i + "\":" + value).collect(Collectors.joining(",")) + "}}}");
        String get = request("GET", "read", null);
        try (KeepAliveClient client = new KeepAliveClient()) {
            for (int round = 0; client.age().compareTo(BUSY) < 0; round++) {
                client.exchange(get, 1);
                client.exchange(get.repeat(PIPELINED), PIPELINED);
                if (round % ROUNDS_PER_PUT == 0) {
                    client.exchange(put, 1);
                }
            }
            client.assertClosedOnceIdle();
        }
    }

    private static String request(String method, String deviceId, String body) {
        int length = body == null ? 0 : body.getBytes(StandardCharsets.UTF_8).length;
        return method + " /twins/" + deviceId + RawRest.API + " HTTP/1.1\r\nHost: " + hub.hostName()
                + "\r\nAuthorization: " + token + "\r\nContent-Type: application/json; charset=utf-8"
                + "\r\nContent-Length: " + length + "\r\n\r\n" + (body == null ? "" : body);
    }

    /** One raw TLS connection that sends requests as given and reads their answers. */
    private static final class KeepAliveClient implements AutoCloseable {
        private final SSLSocket socket;
        private final OutputStream out;
        private final InputStream in;
        private final long started = System.nanoTime();
        private int answered;

        KeepAliveClient() throws IOException {
            socket = (SSLSocket) hub.clientSslContext().getSocketFactory().createSocket(hub.hostName(), 443);
            socket.setTcpNoDelay(true); // as the SDKs' HTTP clients: each request leaves at once
            socket.setSoTimeout((int) LIMIT.toMillis() + 10_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        }

        Duration age() {
            return Duration.ofNanos(System.nanoTime() - started);
        }

        /** Writes {@code requests} at once, then reads the {@code count} answers and checks each is a 200. */
        void exchange(String requests, int count) throws IOException {
            out.write(requests.getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < count; i++) {
                int status = readAnswer();
                assertNotEquals(-1, status, "the emulator closed a busy connection at " + age().toMillis()
                        + " ms with a request unanswered, after " + answered + " answers");
                assertEquals(200, status);
                answered++;
            }
        }

        void assertClosedOnceIdle() throws IOException {
            Duration silentSince = age();
            try {
                assertEquals(-1, in.read(), "nothing is sent to a silent client");
            } catch (SocketTimeoutException e) {
                throw new AssertionError("an idle connection was kept open", e);
            }
            assertTrue(age().minus(silentSince).compareTo(LIMIT.dividedBy(2)) > 0, "closed for being idle, not before");
        }

        /** Reads one answer, head and body, and returns its status; -1 if the connection ended first. */
        private int readAnswer() throws IOException {
            String head = readHead();
            if (head == null) {
                return -1;
            }
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring("content-length:".length()).trim());
                }
            }
            if (in.readNBytes(length).length < length) {
                return -1;
            }
            return Integer.parseInt(head.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
        }

        /** The status line and headers, or null if the connection ended before they did. */
        private String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int ended = 0;
            while (ended < 4) {
                int b = in.read();
                if (b == -1) {
                    return null;
                }
                head.write(b);
                ended = b == "\r\n\r\n".charAt(ended) ? ended + 1 : b == '\r' ? 1 : 0;
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
