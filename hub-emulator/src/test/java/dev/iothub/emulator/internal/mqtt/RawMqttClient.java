package dev.iothub.emulator.internal.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A bare MQTT client over TLS for the protocol cases the SDK never produces; Netty's codec does the bytes. */
final class RawMqttClient implements AutoCloseable {
    private final SSLSocket socket;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());

    RawMqttClient(SSLContext context, String host) throws IOException {
        socket = (SSLSocket) context.getSocketFactory().createSocket(host, 8883);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
    }

    void send(MqttMessage message) throws IOException {
        encoder.writeOutbound(message);
        ByteBuf bytes = encoder.readOutbound();
        try {
            socket.getOutputStream().write(ByteBufUtil.getBytes(bytes));
            socket.getOutputStream().flush();
        } finally {
            bytes.release();
        }
    }

    /** The next packet from the hub, or null once the hub has closed the connection. */
    MqttMessage receive() throws IOException {
        byte[] buffer = new byte[8192];
        while (true) {
            MqttMessage message = decoder.readInbound();
            if (message != null) {
                return message;
            }
            int read;
            try {
                read = socket.getInputStream().read(buffer);
            } catch (SocketTimeoutException e) {
                throw e; // the hub kept the connection open: a failure, not a close
            } catch (IOException e) {
                return null; // reset: closed
            }
            if (read == -1) {
                return null;
            }
            decoder.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(buffer, read)));
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
    }
}
