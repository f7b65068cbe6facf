package dev.iothub.emulator.testing;

import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import javax.net.ssl.SSLContext;

/** A bare MQTT client over TLS for the protocol cases the SDK never produces; Netty's codec does the bytes. */
public final class RawMqttClient implements AutoCloseable {
    private final RawSocket socket;
    private final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    private final EmbeddedChannel decoder = new EmbeddedChannel(new MqttDecoder());
    private MqttConnAckMessage connAck;

    /**
     * A client connected as module {@code deviceId/moduleId} with its key, and the hub's CONNACK, whatever it
     * says; {@code cleanSession} false asks for a persistent session, as the SDKs do.
     */
    public static RawMqttClient connect(HubEmulator hub, String deviceId, String moduleId, String key, int keepAliveSeconds,
                                 boolean cleanSession) throws IOException {
        return connect(hub, deviceId, moduleId, key, keepAliveSeconds, cleanSession, "api-version=2021-04-12");
    }

    /**
     * As above, with {@code query} as the user name's query ({@code {HostName}/{clientId}/?{query}}), as an SDK
     * family writes it; {@code moduleId} null connects the device itself.
     */
    public static RawMqttClient connect(HubEmulator hub, String deviceId, String moduleId, String key, int keepAliveSeconds,
                                 boolean cleanSession, String query) throws IOException {
        String host = hub.hostName();
        String clientId = moduleId == null ? deviceId : deviceId + "/" + moduleId;
        String password = SharedAccessSignature.sign(host + "/devices/" + deviceId
                + (moduleId == null ? "" : "/modules/" + moduleId), key, null, Instant.now().plusSeconds(600));
        RawMqttClient client = new RawMqttClient(hub.clientSslContext(), host);
        client.send(MqttMessageBuilders.connect()
                .clientId(clientId)
                .protocolVersion(MqttVersion.MQTT_3_1_1)
                .username(host + "/" + clientId + "/?" + query)
                .password(password.getBytes(StandardCharsets.UTF_8))
                .keepAlive(keepAliveSeconds)
                .cleanSession(cleanSession)
                .build());
        client.connAck = (MqttConnAckMessage) client.receive();
        return client;
    }

    public RawMqttClient(SSLContext context, String host) throws IOException {
        this(RawSocket.tls(context, host, 8883));
    }

    /** A client over {@code socket}: TLS to port 8883, or a WebSocket on 443. */
    public RawMqttClient(RawSocket socket) {
        this.socket = socket;
    }

    /** The hub's answer to {@link #connect}'s CONNECT. */
    public MqttConnAckMessage connAck() {
        return connAck;
    }

    public void send(MqttMessage message) throws IOException {
        encoder.writeOutbound(message);
        ByteBuf bytes = encoder.readOutbound();
        try {
            socket.out().write(ByteBufUtil.getBytes(bytes));
            socket.out().flush();
        } finally {
            bytes.release();
        }
    }

    /** The next packet from the hub, or null once the hub has closed the connection. */
    public MqttMessage receive() throws IOException {
        byte[] buffer = new byte[8192];
        while (true) {
            MqttMessage message = decoder.readInbound();
            if (message != null) {
                return message;
            }
            int read;
            try {
                read = socket.in().read(buffer);
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
