package dev.iothub.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;

/**
 * A client that never authenticates: it opens the connection and a session, then attaches sender links to
 * {@code $cbs} one after the other and, as each gets credit, begins on it a message it never finishes (its
 * transfers say more is to come), as the flood of issue 16 did. With no links, it only opens the connection.
 * Done once it has begun every message, or once the emulator has opened the connection if it has no links,
 * or once the connection has ended.
 */
final class StrangerAmqpClient implements AmqpClient {
    private final String host;
    private final int links;
    private final byte[] part;
    private final CountDownLatch done = new CountDownLatch(1);
    private Connection connection;
    private Session session;
    // written on the event loop, read by the benchmark once the client is done
    private volatile int attached;
    private volatile int begun;

    /** Attaches {@code links} links and begins a message of {@code part} on each; shares {@code part} unchanged. */
    StrangerAmqpClient(String host, int links, byte[] part) {
        this.host = host;
        this.links = links;
        this.part = part;
    }

    /** Counted down once, when the client is done (see the class). */
    CountDownLatch done() {
        return done;
    }

    /** The links the emulator attached. */
    int attached() {
        return attached;
    }

    /** The bytes of unfinished messages handed to the engine: sent unless the connection ended first. */
    long bytesBegun() {
        return (long) begun * part.length;
    }

    @Override
    public void open(Connection engine) {
        connection = engine;
        connection.setHostname(host);
        connection.open();
        session = connection.session();
        session.open();
        if (links > 0) {
            attachNext();
        }
    }

    @Override
    public void handle(Event event) {
        switch (event.getType()) {
            case CONNECTION_REMOTE_OPEN -> {
                if (links == 0) {
                    done.countDown();
                }
            }
            case LINK_REMOTE_OPEN -> attached++;
            case LINK_FLOW -> begin((Sender) event.getLink());
            case CONNECTION_REMOTE_CLOSE, TRANSPORT_ERROR -> failed();
            default -> { }
        }
    }

    @Override
    public void failed() {
        done.countDown();
        if (connection != null) {
            connection.close();
        }
    }

    /** The link has credit: its message begins, and the next link is attached. */
    private void begin(Sender sender) {
        if (sender.getCredit() <= 0 || sender.current() != null) {
            return; // begun already: never advanced, so its delivery stays current
        }
        sender.delivery(Integer.toString(begun).getBytes(StandardCharsets.US_ASCII));
        sender.send(part, 0, part.length);
        if (++begun < links) {
            attachNext();
        } else {
            done.countDown();
        }
    }

    private void attachNext() {
        AmqpModuleConnection.sender(session, "cbs-" + begun, "$cbs", Map.of());
    }
}
