package dev.iothub.emulator.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The byte stream a raw client speaks MQTT or AMQP over: a TLS connection to one of the hub's ports, or a
 * WebSocket on port 443 asking for a subprotocol spelled as the test chooses (the C SDK asks for {@code MQTT}).
 * Over a WebSocket each write is one masked binary frame, as a client's must be; Netty's codec does the frames.
 */
public final class RawSocket implements AutoCloseable {
    private static final String IOT_HUB_PATH = "/$iothub/websocket";
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String upgradeResponse;

    private RawSocket(SSLSocket socket, InputStream in, OutputStream out, String upgradeResponse) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.upgradeResponse = upgradeResponse;
    }

    /** A TLS connection to {@code host}'s {@code port}, its handshake done. */
    public static RawSocket tls(SSLContext context, String host, int port) throws IOException {
        SSLSocket socket = connected(context, host, port);
        return new RawSocket(socket, socket.getInputStream(), socket.getOutputStream(), null);
    }

    /**
     * A WebSocket on {@code /$iothub/websocket} asking for {@code subprotocol}; fails, showing the hub's answer,
     * unless the hub switches protocols.
     */
    public static RawSocket webSocket(SSLContext context, String host, String subprotocol) throws IOException {
        return webSocket(context, host, IOT_HUB_PATH, subprotocol);
    }

    /** A WebSocket on {@code path} asking for {@code subprotocol}, as {@link #webSocket(SSLContext, String, String)}. */
    public static RawSocket webSocket(SSLContext context, String host, String path, String subprotocol)
            throws IOException {
        SSLSocket socket = connected(context, host, 443);
        String head = upgrade(socket, host, path, subprotocol);
        if (!head.startsWith("HTTP/1.1 101 ")) {
            socket.close();
            throw new AssertionError("the hub did not upgrade to a WebSocket asking for " + subprotocol + ":\n" + head);
        }
        WebSocketStreams streams = new WebSocketStreams(socket);
        return new RawSocket(socket, streams.in, streams.out, head);
    }

    /** The head of the hub's answer to a WebSocket upgrade on {@code path} asking for {@code subprotocol}. */
    public static String upgradeAnswer(SSLContext context, String host, String path, String subprotocol)
            throws IOException {
        try (SSLSocket socket = connected(context, host, 443)) {
            return upgrade(socket, host, path, subprotocol);
        }
    }

    private static String upgrade(SSLSocket socket, String host, String path, String subprotocol) throws IOException {
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " + subprotocol + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        StringBuilder head = new StringBuilder();
        InputStream raw = socket.getInputStream();
        for (int b; head.indexOf("\r\n\r\n") < 0 && (b = raw.read()) != -1; ) {
            head.append((char) b);
        }
        return head.toString();
    }

    private static SSLSocket connected(SSLContext context, String host, int port) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(host, port);
        socket.setTcpNoDelay(true); // each exchange waits for its answer: no 40 ms of Nagle's per request
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    /** The hub's answer to the upgrade, head only; null on a bare TLS connection. */
    public String upgradeResponse() {
        return upgradeResponse;
    }

    /** How long a read waits before it throws {@link java.net.SocketTimeoutException}. */
    public void readTimeout(int millis) throws SocketException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Binary frames both ways: bytes written become one frame each; frames read become bytes. */
    private static final class WebSocketStreams {
        private final EmbeddedChannel encoder = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        private final EmbeddedChannel decoder =
                new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 16 * 1024 * 1024));
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private int pendingRead;
        private final InputStream in;
        private final OutputStream out;

        WebSocketStreams(SSLSocket socket) throws IOException {
            InputStream raw = socket.getInputStream();
            OutputStream rawOut = socket.getOutputStream();
            in = new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    while (pendingRead == pending.size()) {
                        pending.reset();
                        pendingRead = 0;
                        byte[] chunk = new byte[16384];
                        int read = raw.read(chunk);
                        if (read == -1) {
                            return -1;
                        }
                        decoder.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(chunk, read)));
                        for (WebSocketFrame frame = decoder.readInbound(); frame != null; frame = decoder.readInbound()) {
                            try {
                                if (frame instanceof BinaryWebSocketFrame) {
                                    pending.write(ByteBufUtil.getBytes(frame.content()));
                                }
                            } finally {
                                frame.release();
                            }
                        }
                    }
                    int count = Math.min(length, pending.size() - pendingRead);
                    System.arraycopy(pending.toByteArray(), pendingRead, buffer, offset, count);
                    pendingRead += count;
                    return count;
                }
            };
            out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    encoder.writeOutbound(new BinaryWebSocketFrame(Unpooled.copiedBuffer(bytes, offset, length)));
                    for (ByteBuf frame = encoder.readOutbound(); frame != null; frame = encoder.readOutbound()) {
                        try {
                            rawOut.write(ByteBufUtil.getBytes(frame));
                        } finally {
                            frame.release();
                        }
                    }
                    rawOut.flush();
                }
            };
        }
    }
}
