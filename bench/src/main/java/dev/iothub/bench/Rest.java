package dev.iothub.bench;

import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One keep-alive HTTP/1.1 connection over TLS to the emulator's REST API, signed with the iothubowner key:
 * the least a service client can do per request, so that the emulator, not the client, is measured.
 * Not thread-safe: one per client thread.
 */
final class Rest implements AutoCloseable {
    static final String API_VERSION = "api-version=2021-04-12";

    /** A status and the body as text. */
    record Response(int status, String body) {
    }

    private final String host;
    private final String authorization;
    private final SSLSocket socket;
    private final OutputStream out;
    private final InputStream in;

    Rest(Emulator hub, SSLContext tls) throws IOException {
        host = hub.hostName();
        authorization = SharedAccessSignature.sign(host, hub.ownerKey(), "iothubowner", Instant.now().plus(Duration.ofHours(1)));
        socket = (SSLSocket) tls.getSocketFactory().createSocket(hub.address(), 443);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setTcpNoDelay(true);
        out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        in = new BufferedInputStream(socket.getInputStream(), 16384);
    }

    /** Sends {@code method path} with an optional JSON body and reads the whole answer. */
    Response send(String method, String path, String json) throws IOException {
        byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        String head = method + " " + path + (path.contains("?") ? "&" : "?") + API_VERSION + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Authorization: " + authorization + "\r\n"
                + "Accept: application/json\r\n"
                + (json == null ? "" : "Content-Type: application/json; charset=utf-8\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return read();
    }

    private Response read() throws IOException {
        String status = line();
        int contentLength = 0;
        for (String header = line(); !header.isEmpty(); header = line()) {
            if (header.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                contentLength = Integer.parseInt(header.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes(contentLength);
        if (body.length < contentLength) {
            throw new IOException("the connection ended inside a response");
        }
        return new Response(Integer.parseInt(status.split(" ")[1]), new String(body, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("the emulator closed the connection");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
