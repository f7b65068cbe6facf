package dev.iothub.emulator.internal.transport;

import dev.iothub.emulator.internal.logging.RateLimitedLog;
import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A line in the log for each TLS handshake that fails, so that a user whose client does not trust the emulator
 * sees why on the server's side too. A client that closes before it begins (a port probe) is not worth one; the
 * bytes of a client that does not speak TLS are never logged, as they may carry a token.
 */
final class TlsHandshakeFailures implements GenericFutureListener<Future<Channel>> {
    private static final Logger log = LoggerFactory.getLogger(TlsHandshakeFailures.class);
    private static final RateLimitedLog failures = new RateLimitedLog(log);
    private static final Pattern ALERT = Pattern.compile("Received fatal alert: (\\w+)");
    /** The alerts of a client that does not trust the server's certificate: Java's, OpenSSL's, Node's. */
    private static final Set<String> DISTRUST = Set.of("certificate_unknown", "unknown_ca", "bad_certificate");

    private final Channel channel;

    TlsHandshakeFailures(Channel channel) {
        this.channel = channel;
    }

    @Override
    public void operationComplete(Future<Channel> handshake) {
        Throwable cause = handshake.cause();
        if (cause == null || cause instanceof ClosedChannelException) {
            return;
        }
        int port = channel.localAddress() instanceof InetSocketAddress local ? local.getPort() : 0;
        failures.info("TLS handshake with {} on port {} failed: {}", channel.remoteAddress(), port, why(cause));
    }

    private static String why(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return "the client does not speak TLS";
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return "it did not end within the opening limit";
        }
        Matcher alert = ALERT.matcher(String.valueOf(cause.getMessage()));
        if (cause instanceof SSLHandshakeException && alert.find()) {
            return "the client refused it (TLS alert " + alert.group(1) + ")" + (DISTRUST.contains(alert.group(1))
                    ? ": the client does not trust the emulator's certificate; give it the emulator's CA, ca.pem"
                    : "");
        }
        return cause.getMessage();
    }
}
