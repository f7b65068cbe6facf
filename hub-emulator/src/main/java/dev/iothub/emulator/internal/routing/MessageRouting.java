package dev.iothub.emulator.internal.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.events.BuiltInEndpoint;
import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.twin.TwinChanges;
import dev.iothub.emulator.internal.twin.TwinService;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Routes routes;
    private final BuiltInEndpoint endpoint;
    private final String hubName;
    private final Clock clock;
    private final ConnectionSequence sequence;
    private final ExecutorService disconnections = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hub-emulator-disconnection-events");
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
            twins.addChangeListener((id, replaced, body) -> raise(id, true, RouteSource.TWIN_CHANGE_EVENTS,
                    "twinChangeNotification", replaced ? "replaceTwin" : "updateTwin", clock.instant(), body));
        }
        if (routes.delivers(RouteSource.DEVICE_LIFECYCLE_EVENTS)) {
            registry.addLifecycleListener(new IdentityRegistry.LifecycleListener() {
                @Override
                public void created(Identity identity) {
                    lifecycle(identity, "createDeviceIdentity");
                }

                @Override
                public void deleted(Identity identity) {
                    lifecycle(identity, "deleteDeviceIdentity");
                }
            });
        }
        if (routes.delivers(RouteSource.DEVICE_CONNECTION_STATE_EVENTS)) {
            registry.connections().addListener(this::connectionChanged);
        }
    }

    /**
     * A connection event, numbered in the order they happen. A connection's is enqueued before the hub answers
     * the connect, so before anything the device sends; a disconnection's is written later, in order, off the
     * thread that saw the connection end (a network thread, perhaps).
     */
    private void connectionChanged(IdentityId id, boolean connected) {
        ObjectNode body = Json.object().put("sequenceNumber", sequence.next());
        Instant at = clock.instant();
        Runnable raise = () -> raise(id, false, RouteSource.DEVICE_CONNECTION_STATE_EVENTS,
                "deviceConnectionStateNotification", connected ? "deviceConnected" : "deviceDisconnected", at, body);
        if (connected) {
            raise.run();
            return;
        }
        try {
            disconnections.execute(raise);
        } catch (RejectedExecutionException e) {
            // a connection ending as the hub stops, its store closing: its event goes with it
        }
    }

    /** Device messages {@code id} sent: enqueued and durable on return, unless no route takes them. */
    public void sendTelemetry(IdentityId id, String authScope, String generationId, List<Telemetry> messages) {
        if (routes.delivers(RouteSource.DEVICE_MESSAGES)) {
            endpoint.append(id, authScope, generationId, messages);
        }
    }

    private void lifecycle(Identity identity, String opType) {
        raise(identity.id(), true, RouteSource.DEVICE_LIFECYCLE_EVENTS, "deviceLifecycleNotification", opType,
                clock.instant(), TwinChanges.whole(identity));
    }

    /**
     * Enqueues an event of the hub's about {@code about}, as the hub writes it: JSON in UTF-8, the hub's name as its
     * user id, a correlation id of its own, and what happened in its application properties. An event the store
     * cannot take is lost, as the operation it tells of is done: the log says so.
     */
    private void raise(IdentityId about, boolean moduleAnnotated, RouteSource source, String schema, String opType,
                       Instant at, ObjectNode body) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("hubName", hubName);
        properties.put("deviceId", about.deviceId());
        if (about.isModule()) {
            properties.put("moduleId", about.moduleId());
        }
        properties.put("operationTimestamp", Json.timestamp(at));
        properties.put("iothub-message-schema", schema);
        properties.put("opType", opType);
        Telemetry event = new Telemetry(body.toString().getBytes(StandardCharsets.UTF_8), properties, null,
                correlationId(), hubName, "application/json", "utf-8", Map.of());
        try {
            endpoint.appendHubEvent(about, moduleAnnotated, source.messageSource(), event);
        } catch (HubException e) {
            log.warn("The {} event ({}) of {} was lost: the store did not take it ({})", source.hubName(), opType,
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
        disconnections.shutdown();
        try {
            if (!disconnections.awaitTermination(10, TimeUnit.SECONDS)) {
                log.warn("Disconnection events were still being written as the hub stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
