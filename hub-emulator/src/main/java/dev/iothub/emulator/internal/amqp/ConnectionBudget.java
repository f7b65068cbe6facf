package dev.iothub.emulator.internal.amqp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Session;

/**
 * What one AMQP connection may hold of the emulator's memory: its sessions, its links, the bytes of messages
 * it has begun and not finished, and the answers that wait for it to give credit. Before any put-token has
 * succeeded a client gets little, and once the opening limit has passed without one, only what a client
 * waiting for its first identity holds (the CBS node's session and links: a Java MultiplexingClient opened
 * before its devices are registered); once one has, enough for the hub's 1,000 identities multiplexed on one
 * connection, as the SDKs' multiplexing clients, the .NET connection pool and IoT Edge do. Each method answers
 * the breach it finds, or null; the connection then ends with the breach's condition (see README's limits).
 */
final class ConnectionBudget {
    /**
     * The session window the emulator advertises, in bytes (Proton-J advertises it in frames of 64 KiB, 32): twice
     * the largest message, which must fit whole, or one just over the limit could never be seen to be.
     */
    static final int SESSION_WINDOW_BYTES = 2 * AmqpConnection.MAX_MESSAGE_BYTES;
    /**
     * What a session may hold beyond its window before it is a violation: the C SDK checks the window only as
     * a message begins, then sends the whole message.
     */
    private static final int WINDOW_OVERSHOOT_BYTES = AmqpConnection.MAX_MESSAGE_BYTES;
    /** A Java MultiplexingClient begins the CBS session and a session per device (up to 1,000) before any put-token. */
    static final int SESSIONS_BEFORE_AUTHENTICATION = 1 + CbsNode.MAX_IDENTITIES;
    /** The CBS node's links and the management node's (the Event Hubs client attaches both pairs first). */
    static final int LINKS_BEFORE_AUTHENTICATION = 4;
    /** Before a put-token succeeds: a put-token is some hundreds of bytes. */
    static final int UNFINISHED_BYTES_BEFORE_AUTHENTICATION = 64 * 1024;
    /** The C SDK puts 1,000 devices of 6 links each on one session; .NET's pool 7 links each, a session each. */
    static final int LINKS = 10_000;
    /** Messages begun and not finished, on all links: some 240 messages of the largest size in flight at once. */
    static final int UNFINISHED_BYTES = 64 * 1024 * 1024;
    /** Answers waiting for credit on one link. */
    static final int WAITING_BYTES_PER_LINK = 1024 * 1024;
    /** Answers waiting for credit on all links (each of 1,000 identities may ask before its link is attached). */
    static final int WAITING_BYTES = 64 * 1024 * 1024;

    static final String RESOURCE_LIMIT_EXCEEDED = "amqp:resource-limit-exceeded";
    static final String WINDOW_VIOLATION = "amqp:session:window-violation";
    static final String TRANSFER_LIMIT_EXCEEDED = "amqp:link:transfer-limit-exceeded";

    /** Why a connection is ended: the AMQP condition, and a description for the client and the log. */
    record Breach(String condition, String description) {
    }

    private boolean authenticated;
    /** The opening limit passed with no put-token succeeding: the client may only wait, holding little. */
    private boolean waiting;
    private int sessions;
    /** The links the client has attached and not detached: each holds the engine's memory until then. */
    private final Set<Link> links = new HashSet<>();
    private final Map<Session, Integer> sessionBytes = new HashMap<>();
    private long unfinishedBytes;
    private long waitingBytes;

    /** A put-token succeeded: from now on the connection gets the budget of an authenticated client. */
    void authenticated() {
        authenticated = true;
    }

    /**
     * The opening limit has passed: a client with no identity yet may keep one session and the CBS node's links
     * while it waits for one, nothing more.
     */
    Breach unauthenticatedAfterOpening() {
        if (authenticated) {
            return null;
        }
        waiting = true;
        return sessions > 1 || links.size() > 2 || unfinishedBytes > 0
                ? new Breach(AmqpConnection.UNAUTHORIZED_ACCESS, "No put-token succeeded within the opening limit,"
                        + " and the connection holds more than the CBS node's session and links.")
                : null;
    }

    Breach sessionBegun() {
        sessions++;
        if (!authenticated && sessions > (waiting ? 1 : SESSIONS_BEFORE_AUTHENTICATION)) {
            return tooMany(waiting ? 1 : SESSIONS_BEFORE_AUTHENTICATION, "sessions before a put-token succeeded");
        }
        return null; // channel-max bounds the sessions of an authenticated client
    }

    /** The client ended {@code session} (its links not yet detached are forgotten one by one). */
    void sessionEnded(Session session) {
        sessions--;
        Integer bytes = sessionBytes.remove(session);
        if (bytes != null) {
            unfinishedBytes -= bytes;
        }
    }

    Breach linkAttached(Link link) {
        links.add(link);
        if (!authenticated && links.size() > (waiting ? 2 : LINKS_BEFORE_AUTHENTICATION)) {
            return tooMany(waiting ? 2 : LINKS_BEFORE_AUTHENTICATION, "links before a put-token succeeded");
        }
        return links.size() > LINKS ? tooMany(LINKS, "links") : null;
    }

    void linkDetached(Link link) {
        links.remove(link);
    }

    /** {@code session} holds {@code bytes} of messages not yet taken (Proton-J's count): within its window? */
    Breach sessionHolds(Session session, int bytes) {
        Integer before = sessionBytes.put(session, bytes);
        unfinishedBytes += bytes - (before == null ? 0 : before);
        if (bytes > SESSION_WINDOW_BYTES + WINDOW_OVERSHOOT_BYTES) {
            return new Breach(WINDOW_VIOLATION, "The client sent " + bytes + " bytes on a session whose window is "
                    + SESSION_WINDOW_BYTES + " bytes.");
        }
        int limit = authenticated ? UNFINISHED_BYTES : UNFINISHED_BYTES_BEFORE_AUTHENTICATION;
        if (unfinishedBytes > limit) {
            return new Breach(RESOURCE_LIMIT_EXCEEDED, "The connection holds more than " + limit
                    + " bytes of unfinished messages" + (authenticated ? "." : " before a put-token succeeded."));
        }
        return null;
    }

    /** Answers of {@code bytes} wait for credit. */
    void answersWaiting(int bytes) {
        waitingBytes += bytes;
    }

    /** Whether {@code link}, on which {@code linkBytes} of answers wait for credit, is within the budget. */
    Breach waitingBreach(String link, long linkBytes) {
        if (linkBytes > WAITING_BYTES_PER_LINK || waitingBytes > WAITING_BYTES) {
            return new Breach(RESOURCE_LIMIT_EXCEEDED, "The client gives no credit on the link of " + link + " while "
                    + linkBytes + " bytes of answers wait for it (" + waitingBytes + " on the connection).");
        }
        return null;
    }

    /** Answers of {@code bytes} no longer wait: sent, or dropped with their link. */
    void answersTaken(long bytes) {
        waitingBytes -= bytes;
    }

    private static Breach tooMany(int limit, String what) {
        return new Breach(RESOURCE_LIMIT_EXCEEDED, "The connection has more than " + limit + " " + what + ".");
    }
}
