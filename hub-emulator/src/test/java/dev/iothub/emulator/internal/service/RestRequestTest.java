package dev.iothub.emulator.internal.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestRequestTest {
    private static final Map<String, String> API_VERSION = Map.of("api-version", "2021-04-12");


    @Test
    void aPlusInThePathIsAPlusEncodedOrNot() {
        RestRequest request = RestRequest.of("GET", "/devices/a+b/modules/c%2Bd%20e", API_VERSION::get, name -> null,
                Set.of(), new byte[0]);

        assertEquals(List.of("devices", "a+b", "modules", "c+d e"), request.segments());
        assertEquals("/devices/a+b/modules/c+d e", request.path());
    }

    /** An empty segment is kept, so that /twins//d1 is not d1's twin; only a trailing slash goes. */
    @Test
    void anEmptySegmentIsKeptButATrailingSlashIsNot() {
        assertEquals(List.of("twins", "", "d1"), RestRequest.of("GET", "/twins//d1", API_VERSION::get,
                name -> null, Set.of(), new byte[0]).segments());
        assertEquals(List.of("devices"), RestRequest.of("GET", "/devices/", API_VERSION::get,
                name -> null, Set.of(), new byte[0]).segments());
    }

    @Test
    void postWithAMethodOverrideIsThatMethod() {
        Map<String, String> headers = Map.of("X-HTTP-Method-Override", "patch");
        RestRequest request = RestRequest.of("POST", "/twins/d%2Bx/modules/m", API_VERSION::get, headers::get,
                headers.keySet(), new byte[0]);

        assertEquals("PATCH", request.method());
        assertEquals(List.of("twins", "d+x", "modules", "m"), request.segments());
        assertEquals("2021-04-12", request.apiVersion());
        assertNull(request.ifMatch());
    }
}
