package dev.iothub.emulator.internal.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.Test;

class RestRequestTest {

    @Test
    void anAbsoluteFormTargetIsReadAsItsPath() {
        RestRequest request = RestRequest.of(HttpMethod.GET,
                "https://127.0.0.1/$iothub/websocket?iothub-no-client-cert=true", new DefaultHttpHeaders(), new byte[0]);

        assertEquals(List.of("$iothub", "websocket"), request.segments());
        assertEquals("/", RestRequest.originForm("https://127.0.0.1"));
    }

    @Test
    void aPlusInThePathIsAPlusEncodedOrNot() {
        RestRequest request = RestRequest.of(HttpMethod.GET, "/devices/a+b/modules/c%2Bd%20e?api-version=2021-04-12",
                new DefaultHttpHeaders(), new byte[0]);

        assertEquals(List.of("devices", "a+b", "modules", "c+d e"), request.segments());
    }

    @Test
    void postWithAMethodOverrideIsThatMethod() {
        RestRequest request = RestRequest.of(HttpMethod.POST, "/twins/d%2Bx/modules/m?api-version=2021-04-12",
                new DefaultHttpHeaders().set("X-HTTP-Method-Override", "patch"), new byte[0]);

        assertEquals("PATCH", request.method());
        assertEquals(List.of("twins", "d+x", "modules", "m"), request.segments());
        assertEquals("2021-04-12", request.apiVersion());
        assertNull(request.ifMatch());
    }
}
