package dev.iothub.emulator.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iothub.emulator.HubEmulator;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;

/** REST calls to a hub as any client may send them, headers and all, for what the Java SDK never sends. */
public final class RawRest {
    public static final String API = "?api-version=2021-04-12";

    private final String hostName;
    private final String serviceConnectionString;
    private final HttpClient http;

    private RawRest(String hostName, String serviceConnectionString, SSLContext sslContext) {
        this.hostName = hostName;
        this.serviceConnectionString = serviceConnectionString;
        this.http = HttpClient.newBuilder().sslContext(sslContext).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public RawRest(HubEmulator hub) {
        this(hub.hostName(), hub.serviceConnectionString(), hub.clientSslContext());
    }

    public RawRest(HubUnderTest hub) {
        this(hub.hostName(), hub.serviceConnectionString(), hub.clientSslContext());
    }

    /**
     * Sends {@code body} (or none) with the given Authorization (or none) and further {@code headers}, name then value,
     * each in place of one of the same name (Content-Type is JSON's unless given).
     */
    public HttpResponse<String> send(String method, String path, String body, String authorization, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://" + hostName + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json; charset=utf-8")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A token of iothubowner, valid for five minutes. */
    public String ownerToken() {
        String key = ExternalHub.valueOf(serviceConnectionString, "SharedAccessKey");
        return SharedAccessSignature.sign(hostName, key, "iothubowner", Instant.now().plusSeconds(300));
    }

    /** The hub's error: the status, the {@code iothub-errorcode} header, and the body that names the code again. */
    public static void assertError(HttpResponse<String> response, int status, String errorCode) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(errorCode, response.headers().firstValue("iothub-errorcode").orElse(null));
        JsonNode body = Json.MAPPER.readTree(response.body());
        assertTrue(body.path("Message").asText().startsWith("ErrorCode:" + errorCode + ";"), response.body());
        assertTrue(body.path("ExceptionMessage").asText().startsWith("Tracking ID:"), response.body());
    }
}
