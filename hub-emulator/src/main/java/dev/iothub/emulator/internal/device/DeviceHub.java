package dev.iothub.emulator.internal.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.auth.DeviceAuthenticator;
import dev.iothub.emulator.internal.auth.HubNames;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.operations.ReceivedOperations;
import dev.iothub.emulator.internal.registry.ConnectionStates;
import dev.iothub.emulator.internal.registry.IdentityRegistry;
import dev.iothub.emulator.internal.routing.MessageRouting;
import dev.iothub.emulator.internal.twin.TwinService;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The device side of the hub, whatever the protocol: it lets an identity's connection in (or says why not),
 * keeps the sessions that are open and their connection state, and tells each session that subscribed of
 * every desired change. The protocol adapters (MQTT, AMQP, and the device-side REST routes for HTTPS) translate
 * frames and requests into these calls and hold no rules of their own. The hub keeps nothing for a device that is
 * not connected.
 */
public final class DeviceHub {
    /** What the hub takes in one device-to-cloud request over HTTPS: its docs' limit of a message, and of a batch. */
    private static final int MAX_REQUEST_TELEMETRY_BYTES = 256 * 1024;

    private final IdentityRegistry registry;
    private final TwinService twins;
    private final DeviceAuthenticator authenticator;
    private final HubNames names;
    /** The open session of each identity connected: one at most. */
    private final Map<IdentityId, DeviceSession> sessions = new ConcurrentHashMap<>();
    private final TokenExpiries expiries;
    private final List<Consumer<DeviceSession>> sessionEndListeners = new CopyOnWriteArrayList<>();

    private final ReceivedOperations received;
    private final CloudToDeviceHub cloudToDevice;
    private final MessageRouting routing;

    public DeviceHub(IdentityRegistry registry, TwinService twins, DeviceAuthenticator authenticator, HubNames names,
                     Clock clock, ReceivedOperations received, CloudToDeviceHub cloudToDevice,
                     MessageRouting routing) {
        this.received = received;
        this.cloudToDevice = cloudToDevice;
        this.routing = routing;
        this.registry = registry;
        this.twins = twins;
        this.authenticator = authenticator;
        this.names = names;
        this.expiries = new TokenExpiries(clock);
        twins.addListener(this::desiredChanged);
        registry.addDeletionListener(deleted -> end(deleted, Ending.IDENTITY_DELETED));
        registry.addDisablingListener(disabled -> end(disabled, Ending.DISABLED));
    }

    /** Whether devices may call the hub {@code hostName} (case aside): its address, or the host name it was given. */
    public boolean isHostName(String hostName) {
        return names.anyMatch(name -> name.equalsIgnoreCase(hostName));
    }

    /**
     * The identity a SAS token is for, from its {@code sr}: {@code {HostName}/devices/{d}[/modules/{m}]} with one
     * of the hub's host names. A protocol that authenticates by token alone (AMQP's CBS) learns the identity so.
     */
    public IdentityId identityOf(String sasToken) throws DeviceRefusal {
        SharedAccessSignature token = SharedAccessSignature.parse(sasToken).orElseThrow(() ->
                new DeviceRefusal(DeviceRefusal.Reason.UNAUTHORIZED, "the token is not a SharedAccessSignature"));
        String resource = token.resource();
        int slash = resource.indexOf('/');
        String[] path = slash < 0 ? new String[0] : resource.substring(slash + 1).split("/", -1);
        if (slash < 0 || !isHostName(resource.substring(0, slash))) {
            throw new DeviceRefusal(DeviceRefusal.Reason.UNAUTHORIZED, "the token (sr) is not for this hub");
        }
        if (path.length == 2 && path[0].equals("devices")) {
            return IdentityId.device(path[1]);
        }
        if (path.length == 4 && path[0].equals("devices") && path[2].equals("modules")) {
            return IdentityId.module(path[1], path[3]);
        }
        throw new DeviceRefusal(DeviceRefusal.Reason.UNAUTHORIZED, "the token (sr) names no device or module");
    }

    /** Returns the identity if {@code sasToken} lets {@code id} connect now; otherwise says why not. */
    public Identity authenticate(IdentityId id, String sasToken) throws DeviceRefusal {
        Identity identity;
        try {
            identity = registry.get(id);
        } catch (HubException e) {
            if (e.errorCode() == ErrorCode.ArgumentInvalid) {
                throw new DeviceRefusal(DeviceRefusal.Reason.UNAUTHORIZED, "'" + id + "' is not a valid identity");
            }
            throw new DeviceRefusal(DeviceRefusal.Reason.NOT_FOUND, id + " is not in the registry");
        }
        if (!identity.enabled() || (id.isModule() && !registry.get(id.deviceOnly()).enabled())) {
            throw new DeviceRefusal(DeviceRefusal.Reason.DISABLED, id + (id.isModule() ? "'s device" : "") + " is disabled");
        }
        if (sasToken == null || !authenticator.accepts(sasToken, identity)) {
            throw new DeviceRefusal(DeviceRefusal.Reason.UNAUTHORIZED, "the SAS token of " + id + " is invalid or expired");
        }
        return identity;
    }

    /**
     * Authenticates {@code id} and opens its session on {@code connection}. A session the identity already had,
     * over any protocol, ends: the hub keeps one connection per identity.
     */
    public DeviceSession connect(IdentityId id, String sasToken, DeviceConnection connection) throws DeviceRefusal {
        return connect(id, sasToken, connection, SessionKeeping.NONE);
    }

    /** As {@link #connect(IdentityId, String, DeviceConnection)}, resuming or forgetting a kept session as asked. */
    public DeviceSession connect(IdentityId id, String sasToken, DeviceConnection connection, SessionKeeping keeping)
            throws DeviceRefusal {
        received(id, "connect");
        Identity identity = authenticate(id, sasToken);
        DeviceSession session = new DeviceSession(this, identity, authScope(id, sasToken), connection, keeping,
                kept(id, keeping));
        session.tokenExpiry(expiryOf(sasToken));
        states().connected(id);
        routing.awaitConnectionEvents();
        DeviceSession older = sessions.put(id, session);
        if (older != null) {
            older.close();
            older.connection().close(Ending.REPLACED);
        }
        expiries.watch(session);
        return session;
    }

    /** A new token for an open session (AMQP's CBS renewal): checked as at connect, it moves the expiry on. */
    public void renew(DeviceSession session, String sasToken) throws DeviceRefusal {
        authenticate(session.identity(), sasToken);
        session.tokenExpiry(expiryOf(sasToken));
        expiries.watch(session);
    }

    /**
     * Device-to-cloud messages {@code sender}, let in by {@link #authenticate} with {@code sasToken}, sent to
     * {@code destination} with no connection (HTTPS, whose every request carries its token): routed when this
     * returns (enqueued on the built-in endpoint unless no route takes them), as a session's are, or not at all if
     * it throws. The hub takes at most
     * 256 KB in one request, a batch as a whole.
     */
    public void sendTelemetry(Identity sender, String sasToken, String destination, List<Telemetry> messages) {
        IdentityId id = sender.id();
        int size = messages.stream().mapToInt(Telemetry::size).sum();
        if (size > MAX_REQUEST_TELEMETRY_BYTES) {
            throw new HubException(ErrorCode.MessageTooLarge, "The request's telemetry, " + size + " bytes with its "
                    + "properties, is over the 256 KB IoT Hub takes in one request.");
        }
        sendTelemetry(id, authScope(id, sasToken), sender.generationId(), destination, messages);
    }

    /** What {@code id} sent to {@code destination}, let in by a token {@code authScope} names: routed, durable. */
    void sendTelemetry(IdentityId id, String authScope, String generationId, String destination,
                       List<Telemetry> messages) {
        received(id, "message to " + destination);
        states().active(id);
        routing.sendTelemetry(id, authScope, generationId, messages);
    }

    /** Ends the connections of {@code id} (a device's modules' too), as a test asks: the SDKs reconnect. */
    public void drop(IdentityId id) {
        end(id, Ending.DROPPED);
    }

    /** {@code listener} hears of each session that ends, once it has (a feature that holds work for it lets go). */
    public void addSessionEndListener(Consumer<DeviceSession> listener) {
        sessionEndListeners.add(listener);
    }

    void received(IdentityId id, String operation) {
        received.add(id + ": " + operation);
    }

    /** Stops watching tokens: the hub is stopping. */
    public void close() {
        expiries.close();
    }

    /**
     * What signed a token {@link #authenticate} accepted, as the hub's {@code iothub-connection-auth-method} says it:
     * a shared access policy ({@code hub}), or the identity's own key.
     */
    private static String authScope(IdentityId id, String sasToken) {
        if (SharedAccessSignature.parse(sasToken).orElseThrow().keyName() != null) {
            return "hub";
        }
        return id.isModule() ? "module" : "device";
    }

    /** The expiry of a token {@link #authenticate} accepted, so one that parses. */
    private static Instant expiryOf(String sasToken) {
        return SharedAccessSignature.parse(sasToken).orElseThrow().expiry();
    }

    /** The state kept for {@code id} that a session resumes: none, unless {@code keeping} is PERSISTENT. */
    private KeptSession kept(IdentityId id, SessionKeeping keeping) {
        if (keeping == SessionKeeping.NONE) {
            return null;
        }
        KeptSession kept = registry.keptSession(id).map(KeptSession::parse).orElse(null);
        if (keeping == SessionKeeping.CLEAN && kept != null) {
            registry.keepSession(id, null);
        }
        return keeping == SessionKeeping.PERSISTENT ? kept : null;
    }

    /** Keeps what a persistent session has now, for when it is resumed. */
    void keep(IdentityId id, KeptSession kept) {
        registry.keepSession(id, kept.toJson());
    }

    void closed(DeviceSession session) {
        received(session.identity(), "disconnect");
        sessions.remove(session.identity(), session);
        expiries.forget(session);
        states().disconnected(session.identity());
        sessionEndListeners.forEach(listener -> listener.accept(session));
    }

    CloudToDeviceHub cloudToDevice() {
        return cloudToDevice;
    }

    TwinService twins() {
        return twins;
    }

    ConnectionStates states() {
        return registry.connections();
    }

    /** Runs once the change is durable, in version order: the connections keep that order. */
    private void desiredChanged(IdentityId id, ObjectNode patch) {
        DeviceSession session = sessions.get(id);
        if (session != null) {
            session.desiredChanged(patch);
        }
    }

    /**
     * The hub drops the connections of a deleted or disabled identity, and of such a device's modules: their
     * sessions end at once, so nothing is sent to them while their connections close.
     */
    private void end(IdentityId gone, Ending why) {
        sessions.forEach((id, session) -> {
            if (IdentityId.isWithin(id, gone)) {
                session.close();
                session.connection().close(why);
            }
        });
    }
}
