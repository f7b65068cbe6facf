package dev.iothub.emulator.internal.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.events.BuiltInEndpoint;
import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.twin.TwinChanges;
import dev.iothub.emulator.internal.twin.TwinService;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's message routing, to its built-in endpoint: device messages where a route or the fallback route takes
 * them, and the events the hub raises itself (twin changes, identities created and deleted, connections made and
 * lost) where a route asks for their source, with the hub's application properties and body.
 */
public final class MessageRouting implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MessageRouting.class);
    private static final RateLimitedLog lost = new RateLimitedLog(log);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Routes routes;
    private final BuiltInEndpoint endpoint;
    private final String hubName;
    private final Clock clock;
    private final ConnectionSequence sequence;
    /**
     * The hub's own events are written one at a time, in the order they happened, off the threads that made them:
     * those hold locks that order the changes (a twin's versions, an identity's connections), and a write waits for
     * the disk.
     */
    private final ExecutorService writer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hub-emulator-hub-events");
        thread.setDaemon(true);
        return thread;
    });

    public MessageRouting(Routes routes, BuiltInEndpoint endpoint, String hubName, Clock clock) {
        this.routes = routes;
        this.endpoint = endpoint;
        this.hubName = hubName;
        this.clock = clock;
        this.sequence = new ConnectionSequence(clock.instant());
    }

    /** Hears, from now on, what the routes take: twin changes, identities created and deleted, connections. */
    public void listenTo(TwinService twins, IdentityRegistry registry) {
        if (routes.delivers(RouteSource.TWIN_CHANGE_EVENTS)) {
            twins.addChangeListener((id, replaced, body) -> raise(id, RouteSource.TWIN_CHANGE_EVENTS,
                    replaced ? "replaceTwin" : "updateTwin", body));
        }
        if (routes.delivers(RouteSource.DEVICE_LIFECYCLE_EVENTS)) {
            registry.addLifecycleListener(new IdentityRegistry.LifecycleListener() {
                @Override
                public void created(Identity identity) {
                    raise(identity.id(), RouteSource.DEVICE_LIFECYCLE_EVENTS, "createDeviceIdentity",
                            TwinChanges.whole(identity));
                }

                @Override
                public void deleted(Identity identity) {
                    raise(identity.id(), RouteSource.DEVICE_LIFECYCLE_EVENTS, "deleteDeviceIdentity",
                            TwinChanges.whole(identity));
                }
            });
        }
        if (routes.delivers(RouteSource.DEVICE_CONNECTION_STATE_EVENTS)) {
            registry.connections().addListener((id, connected) -> raise(id,
                    RouteSource.DEVICE_CONNECTION_STATE_EVENTS, connected ? "deviceConnected" : "deviceDisconnected",
                    Json.object().put("sequenceNumber", sequence.next())));
        }
    }

    /** Device messages {@code id} sent: enqueued and durable on return, unless no route takes them. */
    public void sendTelemetry(IdentityId id, String authScope, String generationId, List<Telemetry> messages) {
        if (routes.delivers(RouteSource.DEVICE_MESSAGES)) {
            endpoint.append(id, authScope, generationId, messages);
        }
    }

    /**
     * Where connections are routed, returns once the connection just made is on the built-in endpoint: the hub
     * answers the connect after it, so it comes before anything the device sends.
     */
    public void awaitConnectionEvents() {
        if (routes.delivers(RouteSource.DEVICE_CONNECTION_STATE_EVENTS)) {
            awaitRaised();
        }
    }

    /** Returns once every event raised so far is on the built-in endpoint (or lost, and logged). */
    public void awaitRaised() {
        try {
            writer.submit(() -> { }).get();
        } catch (RejectedExecutionException e) {
            // the hub is stopping: nothing more is written
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Raises an event of the hub's about {@code about}, as the hub writes it: JSON in UTF-8, the hub's name as its
     * user id, a correlation id of its own, what happened in its application properties. Quick: it is written
     * later, in order.
     */
    private void raise(IdentityId about, RouteSource source, String opType, ObjectNode body) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hubName", hubName);
        properties.put("deviceId", about.deviceId());
        if (about.isModule()) {
            properties.put("moduleId", about.moduleId());
        }
        properties.put("operationTimestamp", Json.timestamp(clock.instant()));
        properties.put("iothub-message-schema", source.messageSchema());
        properties.put("opType", opType);
        Telemetry event = new Telemetry(Json.bytes(body), properties, null, correlationId(), hubName,
                "application/json", "utf-8", Map.of());
        try {
            writer.execute(() -> write(about, source, opType, event));
        } catch (RejectedExecutionException e) {
            // the hub is stopping (a connection ending as it closes, say): its store closes next
        }
    }

    /** An event the store cannot take is lost, as the operation it tells of is done: the log says so. */
    private void write(IdentityId about, RouteSource source, String opType, Telemetry event) {
        try {
            endpoint.appendHubEvent(about, source.annotatesModules(), source.messageSource(), event);
        } catch (HubException e) {
            lost.warn("The {} event ({}) of {} was lost: the store did not take it ({})", source.routeName(), opType,
                    about, e.getMessage());
        }
    }

    /** The hub's are short hex strings ({@code 4d1f1e2e74f}). */
    private static String correlationId() {
        return Long.toHexString(RANDOM.nextLong() >>> 20);
    }

    /** Writes what is waiting to be written: the hub is stopping, and its store closes next. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("The hub's own events were still being written as it stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
