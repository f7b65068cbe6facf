package dev.iothub.emulator.internal.rest;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One REST call as the APIs see it: the method (with {@code X-HTTP-Method-Override} applied, as the
 * hub does for the SDK's POST-as-PATCH), the decoded path segments, and joined again as the path (no
 * query string, so no secrets: the request log shows it), the api-version, the headers and the body.
 */
public record RestRequest(String method, List<String> segments, String path, String apiVersion, HttpHeaders headers,
                          byte[] body) {

    public static RestRequest of(HttpMethod method, String uri, HttpHeaders headers, byte[] body) {
        QueryStringDecoder decoder = new QueryStringDecoder(originForm(uri));
        List<String> segments = new ArrayList<>();
        for (String segment : decoder.rawPath().split("/")) {
            if (!segment.isEmpty()) {
                segments.add(decoded(segment));
            }
        }
        List<String> versions = decoder.parameters().get("api-version");
        String override = headers.get("X-HTTP-Method-Override");
        String effective = method.equals(HttpMethod.POST) && override != null
                ? override.trim().toUpperCase(Locale.ROOT)
                : method.name();
        return new RestRequest(effective, Collections.unmodifiableList(segments), "/" + String.join("/", segments),
                versions == null ? null : versions.get(0), headers, body);
    }

    /** A path segment percent-decoded; a {@code +} in a path is itself, not a space. */
    private static String decoded(String segment) {
        return segment.indexOf('%') < 0 ? segment : URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * {@code /path?query} of a request target, also when a client sends the absolute form
     * {@code https://host/path?query}, as HTTP/1.1 servers must accept (RFC 9112, 3.2.2) and as the
     * SDK's AMQP-over-WebSocket upgrade does.
     */
    static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (scheme < 0 || target.startsWith("/")) {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        return path < 0 ? "/" : target.substring(path);
    }

    public String header(String name) {
        return headers.get(name);
    }

    public String ifMatch() {
        return headers.get("If-Match");
    }
}
