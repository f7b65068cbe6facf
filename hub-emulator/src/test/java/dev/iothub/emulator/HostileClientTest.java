package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.Module;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.internal.transport.Limits;
import dev.iothub.emulator.testing.Conditions;
import dev.iothub.emulator.testing.DefaultTrust;
import dev.iothub.emulator.testing.RawMqttClient;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocket;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that would hold the emulator's memory or connections forever if it let them: one that never reads
 * its answers, and connections that say nothing, or say it a byte at a time. The limits are shortened to
 * seconds here; README gives the real ones.
 */
class HostileClientTest {
    private static final Duration OPENING = Duration.ofSeconds(2);
    private static final Duration IDLE = Duration.ofSeconds(3);
    private static HubEmulator hub;
    private static DefaultTrust trust;

    @BeforeAll
    static void start() throws IOException {
        hub = HubEmulator.builder().address("127.0.0.10")
                .limits(new Limits(OPENING, IDLE, Limits.defaultMaxConnections())).start();
        trust = DefaultTrust.of(hub);
    }

    @AfterAll
    static void stop() {
        trust.close();
        hub.close();
    }

    /**
     * A module that sends twin GETs and never reads the answers: the emulator stops reading from it once
     * answers wait unsent, so the client's own writes stall; others are served meanwhile; and once it reads,
     * every answer comes, in order.
     */
    @Test
    void aClientThatNeverReadsStallsItselfNotTheEmulator() throws Exception {
        int requests = 200_000; // some 6 MB: more than the socket buffers on both sides hold
        RawMqttClient slow = moduleClient("never-reads");
        AtomicInteger sent = new AtomicInteger();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; i < requests; i++) {
                    slow.send(twinGet(i));
                    sent.incrementAndGet();
                    lastProgress.set(System.nanoTime());
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();

        Conditions.await("the emulator stops reading from a client that reads nothing", Duration.ofSeconds(60), () -> {
            assertTrue(writer.isAlive(), "the emulator read all " + requests + " requests whose answers wait");
            return System.nanoTime() - lastProgress.get() > 1_000_000_000L;
        });
        try (RawMqttClient other = moduleClient("well-behaved")) {
            other.send(twinGet(1));
            MqttPublishMessage answer = (MqttPublishMessage) other.receive();
            assertTrue(answer.variableHeader().topicName().startsWith("$iothub/twin/res/200/"), "others are served");
            answer.release();
        }

        for (int i = 0; i < requests; i++) {
            MqttPublishMessage answer = (MqttPublishMessage) slow.receive();
            assertNotNull(answer, "the connection closed after " + i + " answers");
            assertEquals("$iothub/twin/res/200/?$rid=" + i, answer.variableHeader().topicName());
            answer.release();
        }
        writer.join();
        slow.close();
    }

    /** Each port: a TCP connection that never starts TLS, and a TLS one that never says anything. */
    @Test
    void connectionsThatSayNothingAreClosed() throws Exception {
        List<Socket> silent = new ArrayList<>();
        for (int port : new int[] {443, 8883, 5671}) {
            silent.add(new Socket(hub.hostName(), port));
            silent.add(tls(port));
        }
        for (Socket socket : silent) {
            assertClosedByTheEmulator(socket);
        }
    }

    /** The opening of each protocol a byte at a time, too slowly, and a request body shorter than it says. */
    @Test
    void openingsThatTrickleInAreClosed() throws Exception {
        List<Socket> trickling = new ArrayList<>();
        String head = "PUT /devices/d?api-version=2021-04-12 HTTP/1.1\r\nHost: " + hub.hostName() + "\r\n";
        trickling.add(startTrickling(tls(443), head.getBytes(StandardCharsets.US_ASCII)));
        trickling.add(startTrickling(tls(8883), new byte[] {0x10, 0x7f, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04}));
        trickling.add(startTrickling(tls(5671), new byte[] {'A', 'M', 'Q', 'P', 0x03, 0x01, 0x00, 0x00}));
        Socket shortBody = tls(443);
        shortBody.getOutputStream().write((head + "Content-Length: 100\r\n\r\n{\"deviceId\":").getBytes(StandardCharsets.US_ASCII));
        trickling.add(shortBody);

        for (Socket socket : trickling) {
            assertClosedByTheEmulator(socket);
        }
    }

    /**
     * After its Open, an AMQP peer that trickles a frame in a byte a second: Proton-J's idle timeout counts
     * bytes, so only a limit on each frame ends it.
     */
    @Test
    void anAmqpFrameThatTricklesInAfterTheOpenIsClosed() throws Exception {
        Transport transport = Proton.transport();
        Connection connection = Proton.connection();
        transport.bind(connection);
        connection.setHostname(hub.hostName());
        connection.setContainer("trickler");
        connection.open();
        byte[] opening = new byte[transport.pending()]; // AMQP's header, no SASL (as Node's SDK), then Open
        transport.head().get(opening);
        Socket socket = tls(5671);
        socket.getOutputStream().write(opening);
        byte[] answer = socket.getInputStream().readNBytes(8);
        assertEquals("AMQP", new String(answer, 0, 4, StandardCharsets.US_ASCII), "the hub answers the opening");

        // a frame of 4096 bytes, begun and never finished
        assertClosedByTheEmulator(startTrickling(socket, new byte[] {0x00, 0x00, 0x10, 0x00, 0x02, 0x00, 0x00, 0x00}));
    }

    /** An HTTPS connection with no request under way is closed after the idle limit, once its answer is out. */
    @Test
    void anIdleHttpsConnectionIsClosed() throws Exception {
        Socket socket = tls(443);
        socket.getOutputStream().write(("GET /devices/nobody?api-version=2021-04-12 HTTP/1.1\r\nHost: " + hub.hostName()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
        assertEquals("HTTP/1.1 401", status, "answered, and kept open");

        assertClosedByTheEmulator(socket);
    }

    private static void assertClosedByTheEmulator(Socket socket) throws IOException {
        socket.setSoTimeout((int) (OPENING.plus(IDLE).toMillis() + 10_000));
        try (socket; InputStream in = socket.getInputStream()) {
            while (in.read() != -1) {
                // what the emulator sends before it closes, such as the rest of an answer
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the emulator kept a connection to " + socket.getPort() + " open", e);
        } catch (IOException e) {
            // reset, or TLS ended without close_notify: closed all the same
        }
    }

    /** Sends {@code bytes} one a second, from a thread of its own, until the emulator closes the connection. */
    private static Socket startTrickling(Socket socket, byte[] bytes) {
        Thread trickle = new Thread(() -> {
            try {
                for (int i = 0; ; i = (i + 1) % bytes.length) {
                    socket.getOutputStream().write(bytes[i]);
                    socket.getOutputStream().flush();
                    Thread.sleep(1000); // the slowness under test
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        });
        trickle.setDaemon(true);
        trickle.start();
        return socket;
    }

    private static SSLSocket tls(int port) throws IOException {
        SSLSocket socket = (SSLSocket) hub.clientSslContext().getSocketFactory().createSocket(hub.hostName(), port);
        socket.startHandshake();
        return socket;
    }

    private static RawMqttClient moduleClient(String deviceId) throws Exception {
        RegistryClient registry = new RegistryClient(hub.serviceConnectionString());
        registry.addDevice(new Device(deviceId, AuthenticationType.SAS));
        String key = registry.addModule(new Module(deviceId, "m", AuthenticationType.SAS)).getPrimaryKey();
        RawMqttClient client = RawMqttClient.connect(hub, deviceId, "m", key, 0, true);
        client.send(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_MOST_ONCE, "$iothub/twin/res/#")
                .build());
        MqttMessage subAck = client.receive();
        assertNotNull(subAck);
        return client;
    }

    private static MqttPublishMessage twinGet(int rid) {
        return MqttMessageBuilders.publish().topicName("$iothub/twin/GET/?$rid=" + rid).qos(MqttQoS.AT_MOST_ONCE)
                .payload(Unpooled.EMPTY_BUFFER).build();
    }
}
