package dev.iothub.tools.common;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a tool connects (the host and the port its protocol uses) and the CA it was given with --ca-cert,
 * so that an error about reaching the hub names what to check. {@link #UNKNOWN} before the tool knows.
 */
public record HubEndpoint(String hostName, int port, Path caFile) {
    /** The hub's REST API, MQTT and AMQP over WebSocket. */
    public static final int HTTPS_PORT = 443;
    public static final int MQTT_PORT = 8883;
    public static final int AMQPS_PORT = 5671;

    public static final HubEndpoint UNKNOWN = new HubEndpoint(null, 0, null);

    /** {@code host:port}, with the address the host resolves to when that is another text: what a user checks. */
    public String address() {
        if (hostName == null) {
            return "the hub";
        }
        String address = hostName + ":" + port;
        return resolved().filter(ip -> !ip.equals(hostName)).map(ip -> address + " (" + ip + ")").orElse(address);
    }

    /** The address the host name resolves to, if it does. */
    Optional<String> resolved() {
        try {
            return Optional.of(InetAddress.getByName(hostName).getHostAddress());
        } catch (UnknownHostException | SecurityException unresolved) {
            return Optional.empty();
        }
    }

    /** The --ca-cert file, if one was given. */
    public Optional<Path> ca() {
        return Optional.ofNullable(caFile);
    }
}
