package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's REST routes, each a method and a path template such as {@code /devices/{deviceId}/modules/{moduleId}},
 * and what answers them: an API of the emulator, or a 501 naming the feature that is not emulated. A path that
 * no route knows is the hub's 404, a known path with another method its 405. Literal segments match without
 * regard to case, as the hub's do (its SDKs send both {@code deviceBound} and {@code devicebound}); where
 * several routes match, the one with the most literal segments wins ({@code /jobs/v2/query} over
 * {@code /jobs/v2/{id}}).
 */
public final class Routes {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);

    /** Answers one route's requests, or throws {@link HubException} with the hub's error. */
    @FunctionalInterface
    public interface Handler {
        RestResponse handle(RestRequest request);
    }

    /**
     * Answers one route's requests later (a direct method waits for its device): the answer, or the hub's error
     * thrown at once as {@link HubException}.
     */
    @FunctionalInterface
    public interface DeferredHandler {
        CompletableFuture<RestResponse> handle(RestRequest request);
    }

    /** Checks who calls a route, throwing {@link HubException} with the hub's 401 (or 404) if not one it lets in. */
    @FunctionalInterface
    public interface Caller {
        void check(RestRequest request);
    }

    private record Route(String method, String[] template, DeferredHandler handler, int literals, boolean emulated) {

        /** The template's parameter values for {@code segments}, or null if the path is not this route's. */
        Map<String, String> match(List<String> segments) {
            if (segments.size() != template.length) {
                return null;
            }
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < template.length; i++) {
                if (isParameter(template[i])) {
                    if (segments.get(i).isEmpty()) {
                        return null; // an id is never empty: /devices//modules/m is no route
                    }
                    values.put(template[i].substring(1, template[i].length() - 1), segments.get(i));
                } else if (!template[i].equalsIgnoreCase(segments.get(i))) {
                    return null;
                }
            }
            return values;
        }
    }

    private final List<Route> routes = new ArrayList<>();
    private final Clock clock;
    private final ServiceFaults faults;
    private final ReceivedOperations received;

    public Routes(Clock clock, ServiceFaults faults, ReceivedOperations received) {
        this.clock = clock;
        this.faults = faults;
        this.received = received;
    }

    /** The faults a test asked of this API. */
    public ServiceFaults faults() {
        return faults;
    }

    /** {@code handler} answers {@code method} on paths of {@code template}. */
    public Routes add(String method, String template, Handler handler) {
        return add(method, template, request -> CompletableFuture.completedFuture(handler.handle(request)), true);
    }

    /** {@code handler} answers {@code method} on paths of {@code template}, when its answer is ready. */
    public Routes addDeferred(String method, String template, DeferredHandler handler) {
        return add(method, template, handler, true);
    }

    private Routes add(String method, String template, DeferredHandler handler, boolean emulated) {
        String[] segments = template.substring(1).split("/");
        int literals = 0;
        for (String segment : segments) {
            literals += isParameter(segment) ? 0 : 1;
        }
        routes.add(new Route(method, segments, handler, literals, emulated));
        return this;
    }

    /**
     * A route of the hub that the emulator does not serve: answered with 501 naming {@code feature}, once
     * {@code caller} has let the request in: the hub asks for credentials before it answers 501.
     */
    public Routes notEmulated(String method, String template, String feature, Caller caller) {
        return add(method, template, request -> {
            caller.check(request);
            throw new HubException(ErrorCode.NotImplemented, "hub-emulator does not emulate " + feature + " ("
                    + method + " " + template + "); see hub-emulator/README.md for what it emulates.");
        }, false);
    }

    /** The hub's answer to {@code request}, once it is ready: the route's, or the hub's error. */
    public CompletableFuture<RestResponse> answer(RestRequest request) {
        received.add(request.method() + " " + request.path());
        try {
            faults.apply();
            return route(request).exceptionally(failure -> failed(request, failure));
        } catch (RuntimeException | Error e) { // an Error too (a class missing, say): answered, not dropped
            return CompletableFuture.completedFuture(failed(request, e));
        }
    }

    private RestResponse failed(RestRequest request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof HubException e) {
            return RestResponse.error(e, clock.instant());
        }
        log.error("{} {} failed", request.method(), request.path(), cause);
        return RestResponse.internalError(cause, clock.instant());
    }

    private CompletableFuture<RestResponse> route(RestRequest request) {
        Route best = null;
        Map<String, String> parameters = null;
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> values = route.match(request.segments());
            if (values == null) {
                continue;
            }
            pathKnown = true;
            if (route.method().equals(request.method()) && (best == null || route.literals() > best.literals())) {
                best = route;
                parameters = values;
            }
        }
        if (!pathKnown) {
            throw new HubException(ErrorCode.EndpointNotFound, "The requested resource does not exist.");
        }
        if (best == null) {
            throw new HubException(ErrorCode.MethodNotAllowed,
                    "The method " + request.method() + " is not allowed on " + request.path() + ".");
        }
        if (best.emulated()) {
            ApiVersions.check(request.apiVersion(), clock);
        }
        return best.handler().handle(request.withParameters(parameters));
    }

    private static boolean isParameter(String segment) {
        return segment.startsWith("{") && segment.endsWith("}");
    }
}
