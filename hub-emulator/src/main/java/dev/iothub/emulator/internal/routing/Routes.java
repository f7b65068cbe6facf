package dev.iothub.emulator.internal.routing;

import java.util.Set;

/**
 * The hub's routes, all to its built-in endpoint ({@code events}) with the condition {@code true}: the sources
 * routed, and whether the fallback route is on, which sends device messages no route took to the built-in endpoint.
 * A new hub has no routes and the fallback on: its built-in endpoint gets device messages and nothing else.
 */
public record Routes(Set<RouteSource> routed, boolean fallback) {
    public Routes {
        routed = Set.copyOf(routed);
    }

    /** Whether what comes from {@code source} reaches the built-in endpoint. */
    public boolean delivers(RouteSource source) {
        return routed.contains(source) || (source == RouteSource.DEVICE_MESSAGES && fallback);
    }
}
