package dev.iothub.emulator.internal.transport;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The bounds every connection lives within, so that no client, slow or hostile, holds the emulator's memory,
 * threads or descriptors for long: see README's "Limits".
 *
 * @param opening        the TLS handshake, then the protocol's opening (an MQTT CONNECT, an AMQP Open), and
 *                       each HTTP request from its first byte to its last, must each be done within this
 * @param idle           an HTTP connection with no request under way is closed after this (Azure's load
 *                       balancers close idle connections after 4 minutes); MQTT and AMQP have their own
 *                       keep-alive rules
 * @param maxConnections connections beyond this many are closed as they come
 * @param amqpIdle       an AMQP client silent this long is closed, whether it reads or not; the hub advertises
 *                       half of it in its Open (240 s, the hub's value)
 */
public record Limits(Duration opening, Duration idle, int maxConnections, Duration amqpIdle) {
    /** Descriptors kept free for the store, the CA files, logs and the JVM itself. */
    private static final int RESERVED_DESCRIPTORS = 256;
    private static final int DEFAULT_MAX_CONNECTIONS = 10_000;
    private static final Duration AMQP_IDLE = Duration.ofSeconds(480);

    public Limits(Duration opening, Duration idle, int maxConnections) {
        this(opening, idle, maxConnections, AMQP_IDLE);
    }

    public static Limits defaults() {
        return new Limits(Duration.ofSeconds(30), Duration.ofMinutes(4), defaultMaxConnections());
    }

    public Limits withMaxConnections(int max) {
        return new Limits(opening, idle, max, amqpIdle);
    }

    public Limits withAmqpIdle(Duration silence) {
        return new Limits(opening, idle, maxConnections, silence);
    }

    /** 10,000, or fewer if this process may not open that many descriptors (ulimit -n). */
    public static int defaultMaxConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long descriptors = unix.getMaxFileDescriptorCount();
            return (int) Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS, descriptors - RESERVED_DESCRIPTORS));
        }
        return DEFAULT_MAX_CONNECTIONS;
    }
}
