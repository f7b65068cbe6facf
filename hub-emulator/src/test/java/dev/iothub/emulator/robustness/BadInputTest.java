package dev.iothub.emulator.robustness;

import static dev.iothub.emulator.testing.RawRest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.azure.sdk.iot.service.auth.AuthenticationType;
import com.microsoft.azure.sdk.iot.service.registry.Device;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.emulator.testing.ExternalHub;
import dev.iothub.emulator.testing.RawRest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Random;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bad input gets the hub's error or a closed connection, never a crash, and the emulator goes on serving. */
class BadInputTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.6");
    private static final String API = RawRest.API;

    @AfterEach
    void theEmulatorStillServes() throws Exception {
        String id = "alive-" + System.nanoTime();
        RegistryClient registry = new RegistryClient(emulator.hub().serviceConnectionString());
        assertEquals(id, registry.addDevice(new Device(id, AuthenticationType.SAS)).getDeviceId());
    }

    @Test
    void malformedJsonIsTheHubsBadRequest() throws Exception {
        HttpResponse<String> response = send("PUT", "/devices/d1" + API, "{\"deviceId\": \"d1\", ", token());

        assertError(response, 400, "ArgumentInvalid");
    }

    @Test
    void aJsonArrayIsNotADevice() throws Exception {
        assertError(send("PUT", "/devices/d2" + API, "[1,2]", token()), 400, "ArgumentInvalid");
    }

    @Test
    void deeplyNestedJsonIsRefusedNotFollowed() throws Exception {
        String deep = "{\"a\":".repeat(5000) + "1" + "}".repeat(5000);
        HttpResponse<String> response = send("PATCH", "/twins/d3" + API, deep, token());

        assertEquals(400, response.statusCode());
    }

    @Test
    void aMissingOrGarbledAuthorizationIsUnauthorized() throws Exception {
        assertError(send("GET", "/devices/d4" + API, null, null), 401, "IotHubUnauthorizedAccess");
        assertError(send("GET", "/devices/d4" + API, null, "SharedAccessSignature garbage"), 401, "IotHubUnauthorizedAccess");
        assertError(send("GET", "/devices/d4" + API, null, "Bearer abc"), 401, "IotHubUnauthorizedAccess");
        assertError(send("GET", "/devices/d4" + API, null,
                "SharedAccessSignature sr=x&sig=%%%&se=notanumber&skn=iothubowner"), 401, "IotHubUnauthorizedAccess");
    }

    /** The hub answers a missing or unknown api-version with 400 InvalidProtocolVersion (see README). */
    @Test
    void aMissingOrUnknownApiVersionIsInvalidProtocolVersion() throws Exception {
        for (String query : new String[] {"", "?api-version=1999-01-01", "?api-version=2018-06", "?api-version=latest",
                "?api-version=2999-01-01"}) {
            RawRest.assertError(send("GET", "/devices/d5" + query, null, token()), 400, "InvalidProtocolVersion");
        }
        RawRest.assertError(send("GET", "/devices/d5?api-version=2020-05-31-preview", null, token()), 404,
                "DeviceNotFound");
    }

    /** A number no double holds is refused, not stored as the string "Infinity". */
    @Test
    void aNumberBeyondADoubleIsRefused() throws Exception {
        send("PUT", "/devices/d7" + API, "{\"deviceId\":\"d7\"}", token());
        for (String number : new String[] {"1e400", "-1e400", "123456789012345678901234567890"}) {
            RawRest.assertError(send("PATCH", "/twins/d7" + API, "{\"properties\":{\"desired\":{\"x\":" + number + "}}}",
                    token()), 400, "ArgumentInvalid");
        }
    }

    /** An empty path segment is not skipped: /twins//d1 is no route of the hub, not d1's twin. */
    @Test
    void anEmptyPathSegmentIsNoRoute() throws Exception {
        send("PUT", "/devices/d6" + API, "{\"deviceId\":\"d6\"}", token());
        for (String path : new String[] {"/twins//d6", "//devices/d6", "/devices//modules/m"}) {
            RawRest.assertError(send("GET", path + API, null, token()), 404, "EndpointNotFound");
        }
    }

    @Test
    void aRouteOfTheHubThatIsNotEmulatedAnswers501NamingTheFeature() throws Exception {
        assertNotEmulated(send("POST", "/devices/query" + API, "{\"query\":\"SELECT * FROM devices\"}", token()),
                "queries");
        assertNotEmulated(send("GET", "/statistics/service" + API, null, token()), "service statistics");
        assertNotEmulated(send("GET", "/jobs/v2/query" + API, null, token()), "jobs");
        assertNotEmulated(send("PUT", "/configurations/c1" + API, "{}", token()), "configurations");
        assertNotEmulated(send("GET", "/statistics/service" + API, null, token()), "service statistics");
        emulator.hub().deviceConnectionString("d1"); // a device-side route: the device must be known
        assertNotEmulated(send("POST", "/devices/d1/files" + API, "{}", token()), "file upload");
    }

    /** As on the hub, credentials come first: the 501 is for callers the route would let in. */
    @Test
    void aRouteNotEmulatedAnswersAServiceCallerWithoutTheRightPolicy401() throws Exception {
        String statistics = "/statistics/service" + API;
        assertError(send("GET", statistics, null, null), 401, "IotHubUnauthorizedAccess");
        assertError(send("GET", statistics, null, "SharedAccessSignature garbage"), 401, "IotHubUnauthorizedAccess");
        assertError(send("GET", statistics, null, policyToken("registryReadWrite")), 401, "IotHubUnauthorizedAccess");
        assertError(send("POST", "/devices/query" + API, "{}", policyToken("service")), 401,
                "IotHubUnauthorizedAccess");
        assertError(send("GET", "/jobs/v2/query" + API, null, policyToken("device")), 401, "IotHubUnauthorizedAccess");

        assertNotEmulated(send("GET", statistics, null, policyToken("service")), "service statistics");
        assertNotEmulated(send("POST", "/devices/query" + API, "{}", policyToken("registryRead")), "queries");
    }

    /**
     * A device-side route takes the device's own token (or a DeviceConnect policy's), as MQTT and AMQP do; a device
     * the registry does not know is the hub's 404 over HTTP.
     */
    @Test
    void aDeviceSideRouteNotEmulatedAsksForTheDevicesOwnCredentials() throws Exception {
        String deviceKey = ExternalHub.valueOf(emulator.hub().deviceConnectionString("d8"), "SharedAccessKey");
        String moduleKey = ExternalHub.valueOf(emulator.hub().moduleConnectionString("d8", "m8"), "SharedAccessKey");
        String files = "/devices/d8/files" + API;
        assertError(send("POST", files, "{}", null), 401, "IotHubUnauthorizedAccess");
        assertError(send("POST", files, "{}", identityToken("/devices/d8", moduleKey)), 401,
                "IotHubUnauthorizedAccess");
        assertError(send("POST", files, "{}", policyToken("service")), 401, "IotHubUnauthorizedAccess");
        assertError(send("POST", "/devices/nobody/files" + API, "{}", identityToken("/devices/nobody", deviceKey)),
                404, "DeviceNotFound");

        assertNotEmulated(send("POST", files, "{}", identityToken("/devices/d8", deviceKey)), "file upload");
        assertNotEmulated(send("POST", files, "{}", policyToken("device")), "file upload");
    }

    @Test
    void anUnknownPathIs404AndAnotherMethodOnAKnownPath405() throws Exception {
        assertError(send("GET", "/statistics" + API, null, token()), 404, "EndpointNotFound");
        assertError(send("GET", "/devices/d1/modules/m1/twin" + API, null, token()), 404, "EndpointNotFound");
        assertError(send("DELETE", "/twins/d1" + API, null, token()), 405, "MethodNotAllowed");
    }

    /** A WebSocket upgrade must ask for mqtt or AMQPWSB10; otherwise the hub answers 400 (see README). */
    @Test
    void aWebSocketUpgradeWithoutTheHubsSubprotocolIs400() throws Exception {
        for (String protocol : new String[] {null, "foo", "mqttx, chat"}) {
            assertEquals("HTTP/1.1 400", upgrade(protocol), String.valueOf(protocol));
        }
        assertEquals("HTTP/1.1 101", upgrade("foo, mqtt"));
        assertEquals("HTTP/1.1 101", upgrade("AMQPWSB10"));
    }

    /**
     * The hub speaks WebSocket version 13, RFC 6455's, where Netty would also take its drafts' 7 and 8: another
     * version is answered 426 with the version it speaks (RFC 6455 sections 4.2.2 and 4.4), and no upgrade.
     */
    @Test
    void aWebSocketUpgradeOfAnotherVersionThan13Is426() throws Exception {
        for (String version : new String[] {"8", "7", null}) {
            String head = upgradeHead(version, "mqtt");
            assertTrue(head.startsWith("HTTP/1.1 426"), head);
            assertTrue(head.toLowerCase(Locale.ROOT).contains("\r\nsec-websocket-version: 13\r\n"), head);
        }
    }

    /** The status line of the answer to a WebSocket upgrade on /$iothub/websocket asking for {@code protocol}. */
    private static String upgrade(String protocol) throws IOException {
        return upgradeHead("13", protocol).substring(0, 12);
    }

    /** The head of the answer to a WebSocket upgrade of {@code version} asking for {@code protocol}, each if given. */
    private static String upgradeHead(String version, String protocol) throws IOException {
        try (SSLSocket socket = tls(443)) {
            socket.getOutputStream().write(("GET /$iothub/websocket HTTP/1.1\r\nHost: " + emulator.hub().hostName()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + (version == null ? "" : "Sec-WebSocket-Version: " + version + "\r\n")
                    + (protocol == null ? "" : "Sec-WebSocket-Protocol: " + protocol + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            InputStream in = socket.getInputStream();
            int b;
            while (head.indexOf("\r\n\r\n") < 0 && (b = in.read()) != -1) {
                head.append((char) b);
            }
            return head.toString();
        }
    }

    @Test
    void garbageBytesOnTheTlsPortsCloseTheConnection() throws Exception {
        for (int port : new int[] {443, 8883, 5671}) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(emulator.hub().hostName(), port), 5000);
                socket.setSoTimeout(10_000);
                byte[] garbage = new byte[4096];
                new Random(port).nextBytes(garbage);
                socket.getOutputStream().write(garbage);
                assertClosed(socket.getInputStream());
            }
        }
    }

    @Test
    void garbageInsideTlsClosesTheConnection() throws Exception {
        for (int port : new int[] {443, 8883, 5671}) {
            try (SSLSocket socket = tls(port)) {
                byte[] garbage = new byte[4096];
                new Random(port).nextBytes(garbage);
                garbage[0] = (byte) 0xF0; // MQTT packet type 15 does not exist; no HTTP method or AMQP header starts so
                socket.getOutputStream().write(garbage);
                socket.getOutputStream().flush();
                assertClosed(socket.getInputStream());
            }
        }
    }

    @Test
    void anMqttPacketBeforeConnectClosesTheConnection() throws Exception {
        try (SSLSocket socket = tls(8883)) {
            write(socket.getOutputStream(), MqttMessage.PINGREQ);
            assertClosed(socket.getInputStream());
        }
    }

    @Test
    void aRefusedConnectGetsReturnCodeFiveAndIsClosed() throws Exception {
        try (SSLSocket socket = tls(8883)) {
            write(socket.getOutputStream(), connect("nosuchdevice", "SharedAccessSignature sr=x&sig=y&se=1"));
            byte[] connAck = socket.getInputStream().readNBytes(4);
            assertEquals(0x20, connAck[0] & 0xFF, "CONNACK");
            assertEquals(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED.byteValue(), connAck[3]);
            assertClosed(socket.getInputStream());
        }
    }

    private static void write(OutputStream out, MqttMessage message) throws IOException {
        EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.writeOutbound(message);
        ByteBuf bytes = encoder.readOutbound();
        out.write(ByteBufUtil.getBytes(bytes));
        out.flush();
        bytes.release();
    }

    private static MqttMessage connect(String clientId, String password) {
        return MqttMessageBuilders.connect()
                .clientId(clientId)
                .protocolVersion(MqttVersion.MQTT_3_1_1)
                .username(emulator.hub().hostName() + "/" + clientId + "/?api-version=2020-09-30")
                .password(password.getBytes(StandardCharsets.UTF_8))
                .keepAlive(60)
                .willQoS(MqttQoS.AT_MOST_ONCE)
                .build();
    }

    private static SSLSocket tls(int port) throws IOException {
        SSLSocket socket = (SSLSocket) emulator.hub().clientSslContext().getSocketFactory()
                .createSocket(emulator.hub().hostName(), port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    /** The peer closed: read ends (-1) or the connection is reset; a timeout fails the test. */
    private static void assertClosed(InputStream in) {
        try {
            while (in.read() != -1) {
                // drain whatever the server said before closing
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the emulator kept the connection open", e);
        } catch (IOException e) {
            // a reset is a close too
        }
    }

    private static HttpResponse<String> send(String method, String path, String body, String authorization)
            throws Exception {
        return new RawRest(emulator.hub()).send(method, path, body, authorization);
    }

    private static String token() {
        return new RawRest(emulator.hub()).ownerToken();
    }

    private static String policyToken(String policy) {
        String key = ExternalHub.valueOf(emulator.hub().connectionString(policy), "SharedAccessKey");
        return SharedAccessSignature.sign(emulator.hub().hostName(), key, policy, Instant.now().plusSeconds(300));
    }

    /** A token signed with an identity's own key, for {@code path} such as {@code /devices/d}. */
    private static String identityToken(String path, String key) {
        return SharedAccessSignature.sign(emulator.hub().hostName() + path, key, null, Instant.now().plusSeconds(300));
    }

    private static void assertNotEmulated(HttpResponse<String> response, String feature) throws IOException {
        assertError(response, 501, "NotImplemented");
        assertTrue(response.body().contains("does not emulate " + feature), response.body());
    }
}
