package dev.iothub.emulator.internal.service;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * One REST call as the service surface sees it, whatever carried it: the method (with
 * {@code X-HTTP-Method-Override} applied, as the hub does for the SDK's POST-as-PATCH), the decoded path
 * segments and, joined again, the path (no query string, so no secrets: the request log shows it), the
 * query parameters (each name's first value), the headers (each name's first value, found whatever its case) and
 * their names as sent, the body, and once routed the values of its route's path parameters.
 */
public record RestRequest(String method, List<String> segments, String path, Function<String, String> query,
                          Function<String, String> headers, Set<String> headerNames, byte[] body,
                          Map<String, String> parameters) {

    /** A request for {@code rawPath}, the path of the target as sent (percent-encoded, no query). */
    public static RestRequest of(String method, String rawPath, Function<String, String> query,
                                 Function<String, String> headers, Set<String> headerNames, byte[] body) {
        // The leading slash, and a trailing one (C#'s SDK sends /devices/?top=N), start and end no segment;
        // any other empty segment is kept, so that /twins//d1 is no route, as it is none of the hub's.
        String inner = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        List<String> segments = new ArrayList<>();
        if (!inner.isEmpty()) {
            for (String segment : inner.split("/", -1)) {
                segments.add(decoded(segment));
            }
            if (segments.size() > 1 && segments.get(segments.size() - 1).isEmpty()) {
                segments.remove(segments.size() - 1);
            }
        }
        String override = headers.apply("X-HTTP-Method-Override");
        String effective = method.equals("POST") && override != null ? override.trim().toUpperCase(Locale.ROOT) : method;
        return new RestRequest(effective, Collections.unmodifiableList(segments), "/" + String.join("/", segments),
                query, headers, Collections.unmodifiableSet(new LinkedHashSet<>(headerNames)), body, Map.of());
    }

    /** A path segment percent-decoded; a {@code +} in a path is itself, not a space. */
    private static String decoded(String segment) {
        return segment.indexOf('%') < 0 ? segment : URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** This request with the values its route's path template gave names to. */
    RestRequest withParameters(Map<String, String> values) {
        return new RestRequest(method, segments, path, query, headers, headerNames, body, Map.copyOf(values));
    }

    /** The value of the path parameter {@code name} of the route that serves the request, e.g. {@code deviceId}. */
    public String parameter(String name) {
        String value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no path parameter " + name + " in the route of " + path);
        }
        return value;
    }

    /** The api-version the client asked for, or null. */
    public String apiVersion() {
        return query.apply("api-version");
    }

    public String header(String name) {
        return headers.apply(name);
    }

    public String ifMatch() {
        return headers.apply("If-Match");
    }
}
