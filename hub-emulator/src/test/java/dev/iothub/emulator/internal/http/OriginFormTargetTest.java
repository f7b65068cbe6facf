package dev.iothub.emulator.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

class OriginFormTargetTest {

    @Test
    void anAbsoluteFormTargetBecomesItsPathAndQuery() {
        assertEquals("/$iothub/websocket?iothub-no-client-cert=true",
                rewritten("https://127.0.0.1/$iothub/websocket?iothub-no-client-cert=true"));
        assertEquals("/", rewritten("https://127.0.0.1"));
        assertEquals("/devices/d?api-version=2021-04-12", rewritten("/devices/d?api-version=2021-04-12"));
    }

    private static String rewritten(String target) {
        EmbeddedChannel channel = new EmbeddedChannel(OriginFormTarget.INSTANCE);
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target));
        HttpRequest request = channel.readInbound();
        channel.finishAndReleaseAll();
        return request.uri();
    }
}
