package dev.iothub.emulator.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.service.RestResponse;
import dev.iothub.emulator.internal.service.Routes;
import dev.iothub.emulator.internal.service.ServiceFaults;
import dev.iothub.emulator.internal.tls.CertificateAuthority;
import dev.iothub.emulator.internal.transport.HubServer;
import dev.iothub.emulator.internal.transport.Limits;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure inside the emulator, an Error included, is logged at ERROR with its cause and answered over HTTPS as
 * the hub answers its internal errors (500, ServerError), never by a dropped connection: in a route, or while its
 * answer is written. The failure here: the NoClassDefFoundError that Jackson threw when a consumer's class path
 * held another jackson-core.
 */
class InternalFailureTest {
    private static final String ADDRESS = "127.0.0.33";

    @Test
    void anErrorInsideARouteIsAnsweredAsTheHubsInternalError(@TempDir Path directory) throws Exception {
        Served served = serve(directory, request -> {
            throw new NoClassDefFoundError("com/fasterxml/jackson/core/StreamReadConstraints");
        });

        served.assertInternalError();
        assertTrue(served.log.contains("ERROR " + Routes.class.getName() + " - GET /devices/d failed"), served.log);
    }

    @Test
    void anAnswerThatCannotBeWrittenIsAnsweredAsTheHubsInternalError(@TempDir Path directory) throws Exception {
        Served served = serve(directory, request -> RestResponse.ok(new POJONode(new Unwritable()), null));

        served.assertInternalError();
        assertTrue(served.log.contains("ERROR " + RestHandler.class.getName() + " - GET /devices/d"), served.log);
    }

    /** An answer, and what the emulator logged meanwhile. */
    private record Served(HttpResponse<String> answer, String log) {
        void assertInternalError() {
            assertEquals(500, answer.statusCode());
            assertEquals("ServerError", answer.headers().firstValue("iothub-errorcode").orElse(null));
            assertTrue(answer.body().contains("\"ErrorCode:ServerError;"), answer.body());
            assertTrue(log.contains("java.lang.NoClassDefFoundError: com/fasterxml/jackson/core/StreamReadConstraints"),
                    "logged with its cause:\n" + log);
        }
    }

    /** A GET of /devices/d over HTTPS, from an emulator whose only route answers it with {@code handler}. */
    @SuppressWarnings("try") // the server does its work by being open: the request below goes to it
    private static Served serve(Path directory, Routes.Handler handler) throws Exception {
        Clock clock = Clock.systemUTC();
        Routes routes = new Routes(clock, new ServiceFaults(), new ReceivedOperations())
                .add("GET", "/devices/{deviceId}", handler);
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(directory);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream previousErr = System.err;
        try (HubServer server = HubServer.start(ADDRESS, ca.serverContext(List.of(ADDRESS), List.of()),
                new RestHandler(routes, clock), ChannelInboundHandlerAdapter::new, ChannelInboundHandlerAdapter::new,
                Limits.defaults())) {
            HttpClient client = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
            URI device = URI.create("https://" + ADDRESS + "/devices/d?api-version=2021-04-12");
            HttpRequest get = HttpRequest.newBuilder(device).timeout(Duration.ofSeconds(10)).build();
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            HttpResponse<String> answer = client.send(get, HttpResponse.BodyHandlers.ofString());
            return new Served(answer, log.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(previousErr);
        }
    }

    /** A body whose writing fails as Jackson's did beside another jackson-core. */
    private static final class Unwritable extends JsonSerializable.Base {
        @Override
        public void serialize(JsonGenerator generator, SerializerProvider serializers) {
            throw new NoClassDefFoundError("com/fasterxml/jackson/core/StreamReadConstraints");
        }

        @Override
        public void serializeWithType(JsonGenerator generator, SerializerProvider serializers, TypeSerializer type) {
            serialize(generator, serializers);
        }
    }
}
