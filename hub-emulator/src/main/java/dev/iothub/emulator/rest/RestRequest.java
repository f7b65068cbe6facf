package dev.iothub.emulator.rest;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One REST call as the APIs see it: the method (with {@code X-HTTP-Method-Override} applied, as the
 * hub does for the SDK's POST-as-PATCH), the decoded path segments, the headers and the body.
 */
public record RestRequest(String method, List<String> segments, String apiVersion, HttpHeaders headers, byte[] body) {

    public static RestRequest of(HttpMethod method, String uri, HttpHeaders headers, byte[] body) {
        QueryStringDecoder decoder = new QueryStringDecoder(uri);
        List<String> segments = new ArrayList<>();
        for (String segment : decoder.rawPath().split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        List<String> versions = decoder.parameters().get("api-version");
        String override = headers.get("X-HTTP-Method-Override");
        String effective = method.equals(HttpMethod.POST) && override != null
                ? override.trim().toUpperCase(Locale.ROOT)
                : method.name();
        return new RestRequest(effective, List.copyOf(segments), versions == null ? null : versions.get(0), headers, body);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String ifMatch() {
        return headers.get("If-Match");
    }

    /** The path as the request log shows it: no query string, so no secrets. */
    public String path() {
        return "/" + String.join("/", segments);
    }
}
