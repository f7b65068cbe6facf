package dev.iothub.bench;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Hostile clients, one after the other, against an emulator in memory (one that never reads, one that sends
 * faster than it is answered, silent and slowloris connections): for each, the emulator's resident
 * memory, live heap and open descriptors before, during and after (once its limits have closed what they
 * close), and meanwhile the latency of a well-behaved client's REST GETs on a connection of its own.
 */
final class Robustness {
    /** The emulator's opening limit (30 s) and a margin: by then, what it closes is closed. */
    private static final Duration LIMITS_DONE = Duration.ofSeconds(35);
    /** How long the flooding client sends. */
    private static final Duration FLOOD = Duration.ofSeconds(5);

    private Robustness() {
    }

    static void run(String address) throws Exception {
        try (Emulator hub = Emulator.start(address, null)) {
            SSLContext tls = hub.sslContext();
            figures(hub, tls, "baseline");

            oneClient(hub, tls, "slow_reader", "requests_taken", Robustness::neverReads);
            oneClient(hub, tls, "flood", "requests_sent", Robustness::floods);

            List<Socket> attack = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                SSLSocket silent = (SSLSocket) tls.getSocketFactory().createSocket(address, 443);
                silent.startHandshake();
                attack.add(silent);
            }
            figures(hub, tls, "silent_1000");
            Thread.sleep(LIMITS_DONE.toMillis()); // the limit under test is a time
            figures(hub, tls, "silent_1000_after_limit");
            close(attack);

            List<Thread> trickles = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                SSLSocket slow = (SSLSocket) tls.getSocketFactory().createSocket(address, 443);
                slow.startHandshake();
                attack.add(slow);
                trickles.add(daemon(() -> trickle(slow)));
            }
            figures(hub, tls, "slowloris_200");
            Thread.sleep(LIMITS_DONE.toMillis());
            figures(hub, tls, "slowloris_200_after_limit");
            close(attack);
            trickles.forEach(Thread::interrupt);
        }
    }

    /** A hostile client that pipelines requests on one connection, counting them in {@code sent}. */
    @FunctionalInterface
    private interface Pipelining {
        Socket connect(Emulator hub, SSLContext tls, AtomicLong sent) throws Exception;
    }

    /** Figures while {@code client} is connected, how many requests it sent, and figures once it is gone. */
    private static void oneClient(Emulator hub, SSLContext tls, String moment, String count, Pipelining client)
            throws Exception {
        AtomicLong sent = new AtomicLong();
        Socket socket = client.connect(hub, tls, sent);
        figures(hub, tls, moment);
        Report.figure("robustness_" + moment + "_" + count, sent.get(), "requests");
        socket.close();
        figures(hub, tls, moment + "_gone");
    }

    /**
     * A connection that pipelines GETs and reads nothing, until its writes stall for a second. Answers the TCP
     * socket under the TLS one: closing that one would wait for the stalled writer, to send close_notify.
     */
    private static Socket neverReads(Emulator hub, SSLContext tls, AtomicLong sent) throws Exception {
        Socket tcp = new Socket(hub.address(), 443);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, hub.address(), 443, true);
        byte[] request = getNobody(hub);
        AtomicLong lastWrite = new AtomicLong(System.nanoTime());
        Thread writer = daemon(() -> {
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < 1_000_000; i++) {
                    out.write(request);
                    sent.incrementAndGet();
                    lastWrite.set(System.nanoTime());
                }
            } catch (IOException e) {
                // closed when the figure is taken
            }
        });
        while (writer.isAlive() && System.nanoTime() - lastWrite.get() < 1_000_000_000L) {
            Thread.sleep(100); // what is measured is the stall itself
        }
        return tcp;
    }

    /**
     * A connection that pipelines GETs as fast as it can for {@link #FLOOD}, reading every answer: the emulator
     * must take its requests no faster than it answers them, not queue them in memory. Answers the TCP socket.
     */
    private static Socket floods(Emulator hub, SSLContext tls, AtomicLong sent) throws Exception {
        Socket tcp = new Socket(hub.address(), 443);
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(tcp, hub.address(), 443, true);
        byte[] request = getNobody(hub);
        daemon(() -> {
            try {
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // closed when the figure is taken
            }
        });
        long end = System.nanoTime() + FLOOD.toNanos();
        OutputStream out = socket.getOutputStream();
        while (System.nanoTime() < end) {
            out.write(request);
            sent.incrementAndGet();
        }
        return tcp;
    }

    private static byte[] getNobody(Emulator hub) {
        String token = SharedAccessSignature.sign(hub.hostName(), hub.ownerKey(), "iothubowner",
                Instant.now().plus(Duration.ofHours(1)));
        return ("GET /devices/nobody?" + Rest.API_VERSION + " HTTP/1.1\r\nHost: " + hub.hostName()
                + "\r\nAuthorization: " + token + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static Thread daemon(Runnable work) {
        Thread thread = new Thread(work, "hostile-client");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void trickle(Socket socket) {
        byte[] head = "GET /devices/d?api-version=2021-04-12 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        try {
            for (int i = 0; ; i = (i + 1) % head.length) {
                socket.getOutputStream().write(head[i]);
                socket.getOutputStream().flush();
                Thread.sleep(1000);
            }
        } catch (IOException | InterruptedException e) {
            // closed by the emulator's limit, or by the bench
        }
    }

    /** The emulator's memory and descriptors now, and a well-behaved client's latency. */
    private static void figures(Emulator hub, SSLContext tls, String moment) throws Exception {
        Vitals.report(hub, tls, "robustness_" + moment);
    }

    private static void close(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // already closed by the emulator
            }
        }
        sockets.clear();
    }
}
