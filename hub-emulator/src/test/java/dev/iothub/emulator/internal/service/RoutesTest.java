package dev.iothub.emulator.internal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutesTest {
    private static final Map<String, String> API_VERSION = Map.of("api-version", "2021-04-12");
    private final Routes routes = new Routes(Clock.systemUTC(), new ServiceFaults(), new ReceivedOperations())
            .add("GET", "/devices/{deviceId}", request -> answer("device " + request.parameter("deviceId")))
            .add("GET", "/jobs/v2/{id}", request -> answer("job " + request.parameter("id")))
            .add("GET", "/jobs/v2/query", request -> answer("query"))
            .notEmulated("POST", "/devices/query", "queries", request -> { });

    @Test
    void parametersTakeTheirSegment() {
        assertEquals("device d+1", body(get("GET", "/devices/d%2B1")));
    }

    @Test
    void theRouteWithMoreLiteralSegmentsWins() {
        assertEquals("query", body(get("GET", "/jobs/v2/query")));
        assertEquals("job j", body(get("GET", "/jobs/v2/j")));
    }

    @Test
    void literalSegmentsMatchWhateverTheirCase() {
        assertEquals("device d", body(get("GET", "/Devices/d")));
    }

    @Test
    void aRouteNotEmulatedNamesItsFeature() {
        RestResponse response = get("POST", "/devices/query");

        assertEquals(501, response.status());
        assertEquals(ErrorCode.NotImplemented, response.errorCode());
        assertTrue(response.body().path("Message").asText().contains("does not emulate queries"), response.body().toString());
    }

    @Test
    void aKnownPathWithAnotherMethodIs405AndAnUnknownPath404() {
        assertEquals(ErrorCode.MethodNotAllowed, get("DELETE", "/jobs/v2/j").errorCode());
        assertEquals(ErrorCode.EndpointNotFound, get("GET", "/devices/d/nothing").errorCode());
    }

    @Test
    void aKnownPathWithoutApiVersionIs400() {
        RestResponse response = routes.answer(RestRequest.of("GET", "/devices/d", name -> null, name -> null, Set.of(),
                new byte[0])).join();

        assertEquals(ErrorCode.InvalidProtocolVersion, response.errorCode());
        assertEquals(400, response.status());
    }

    private RestResponse get(String method, String path) {
        return routes.answer(RestRequest.of(method, path, API_VERSION::get, name -> null, Set.of(), new byte[0]))
                .join();
    }

    private static RestResponse answer(String text) {
        return RestResponse.ok(TextNode.valueOf(text), null);
    }

    private static String body(RestResponse response) {
        assertEquals(200, response.status(), String.valueOf(response.body()));
        return response.body().asText();
    }
}
