package dev.iothub.emulator.internal.device;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceMessage;
import dev.iothub.emulator.internal.cloudtodevice.Leases;
import dev.iothub.emulator.internal.events.Telemetry;
import dev.iothub.emulator.internal.json.Json;
import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.twin.TwinJson;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One identity connected over one protocol connection, once the hub let it in: what the device may do
 * (its own twin, its own messages) and its subscription to desired changes. An AMQP connection may carry
 * several identities, each its own session.
 */
public final class DeviceSession {

    private final DeviceHub hub;
    private final IdentityId identity;
    private final String generationId;
    /** What signed the token the identity connected with, as its telemetry's system properties say. */
    private final String authScope;
    private final DeviceConnection connection;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final SessionKeeping keeping;
    private final boolean resumed;
    /** The delivery level of the subscription to desired changes, or null while there is none. */
    private volatile Integer desiredQos;
    /** Whether the identity subscribed to direct methods: what a persistent session keeps of it. */
    private volatile boolean methodSubscription;
    /** When the token the identity connected with, or last renewed with, expires. */
    private volatile Instant tokenExpiry;
    /** The delivery level of the subscription to cloud-to-device messages, or null while there is none. */
    private volatile Integer cloudToDeviceQos;
    /** The identity's receivers of cloud-to-device messages on this connection, closed with it. */
    private final List<Leases<CloudToDeviceMessage>> cloudToDeviceReceivers = new CopyOnWriteArrayList<>();

    DeviceSession(DeviceHub hub, Identity identity, String authScope, DeviceConnection connection,
                  SessionKeeping keeping, KeptSession kept) {
        this.hub = hub;
        this.identity = identity.id();
        this.generationId = identity.generationId();
        this.authScope = authScope;
        this.connection = connection;
        this.keeping = keeping;
        this.resumed = kept != null;
        this.desiredQos = kept == null ? null : kept.desiredQos();
        this.cloudToDeviceQos = kept == null ? null : kept.cloudToDeviceQos();
        this.methodSubscription = kept != null && kept.methods();
    }

    public IdentityId identity() {
        return identity;
    }

    /** Whether a resource of {@code owner} (its twin, its messages) is this session's own: no identity reaches another's. */
    public boolean owns(IdentityId owner) {
        return identity.equals(owner);
    }

    /**
     * The IoT Plug and Play model the identity announced as it connected (MQTT's user name, an AMQP link's
     * properties), null or empty if none; its twin shows it from now on, until another is announced.
     */
    public void announceModel(String modelId) {
        hub.twins().announceModel(identity, modelId);
    }

    /** The twin as a device reads it: both property sides with their versions, no metadata. */
    public ObjectNode twin() {
        hub.received(identity, "twin GET");
        hub.states().active(identity);
        return TwinJson.deviceDocument(hub.twins().get(identity).twin());
    }

    /**
     * Merges a reported-properties patch (a JSON object) and answers the new reported {@code $version}, once
     * durable; throws the hub's error for a patch it refuses.
     */
    public long patchReported(byte[] body) {
        hub.received(identity, "reported PATCH");
        hub.states().active(identity);
        return hub.twins().patchReported(identity, Json.parseObject(body));
    }

    /** Whether this session resumes one the hub kept (MQTT's CONNACK then says the session is present). */
    public boolean resumed() {
        return resumed;
    }

    /** The delivery level of the subscription to desired changes, if there is one (a resumed session may have). */
    public OptionalInt desiredSubscription() {
        Integer qos = desiredQos;
        return qos == null ? OptionalInt.empty() : OptionalInt.of(qos);
    }

    /**
     * From now on the connection hears of every desired change; {@code qos} is the delivery level the protocol
     * granted (MQTT's QoS; 0 where it has none), which a persistent session keeps.
     */
    public void subscribeToDesired(int qos) {
        hub.received(identity, "desired subscribe");
        desiredQos = qos;
        keep();
    }

    /** The connection no longer receives cloud-to-device messages: those {@code receiver} held are delivered again. */
    public void stopReceivingCloudToDevice(Leases<CloudToDeviceMessage> receiver) {
        receiver.close();
        cloudToDeviceReceivers.remove(receiver);
        cloudToDeviceQos = null;
        keep();
    }

    /** The connection no longer hears of desired changes. */
    public void unsubscribeFromDesired() {
        hub.received(identity, "desired unsubscribe");
        desiredQos = null;
        keep();
    }

    /** Whether a resumed session was subscribed to direct methods: it goes on so without a SUBSCRIBE. */
    public boolean methodSubscription() {
        return methodSubscription;
    }

    /** The identity subscribed to direct methods, or unsubscribed: a persistent session keeps it. */
    public void methodSubscription(boolean subscribed) {
        methodSubscription = subscribed;
        keep();
    }

    private void keep() {
        if (keeping == SessionKeeping.PERSISTENT) {
            hub.keep(identity, new KeptSession(desiredQos, methodSubscription, cloudToDeviceQos));
        }
    }

    /**
     * Device-to-cloud messages the identity sent to {@code destination} (a topic, a link's address), in order: enqueued
     * on the built-in endpoint when this returns, or not at all if it throws the hub's error.
     */
    public void sendTelemetry(String destination, List<Telemetry> messages) {
        hub.sendTelemetry(identity, authScope, generationId, destination, messages);
    }

    /** The delivery level of the subscription to cloud-to-device messages, if there is one (a resumed session may have). */
    public OptionalInt cloudToDeviceSubscription() {
        Integer qos = cloudToDeviceQos;
        return qos == null ? OptionalInt.empty() : OptionalInt.of(qos);
    }

    /**
     * The connection receives the identity's cloud-to-device messages (an MQTT subscription, an AMQP link) until it
     * stops or ends; {@code waiting} runs, on any thread, whenever messages may be taken. {@code qos} is the
     * delivery level the protocol granted (MQTT's QoS; 1 where the device settles each), which a persistent
     * session keeps.
     */
    public Leases<CloudToDeviceMessage> receiveCloudToDevice(int qos, Runnable waiting) {
        cloudToDeviceQos = qos;
        keep();
        Leases<CloudToDeviceMessage> receiver = hub.cloudToDevice().receive(identity, waiting);
        cloudToDeviceReceivers.add(receiver);
        if (closed.get()) {
            receiver.close(); // the session ended while the receiver was being set up
        }
        return receiver;
    }

    /** The connection ended: the identity is disconnected unless it has another one. Idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cloudToDeviceReceivers.forEach(Leases::close);
            hub.closed(this);
        }
    }

    DeviceConnection connection() {
        return connection;
    }

    Instant tokenExpiry() {
        return tokenExpiry;
    }

    void tokenExpiry(Instant expiry) {
        tokenExpiry = expiry;
    }

    /** Whether the connection has ended: a session that has takes nothing more. */
    public boolean isClosed() {
        return closed.get();
    }

    void desiredChanged(ObjectNode patch) {
        if (desiredQos != null) {
            connection.desiredChanged(patch);
        }
    }

    @Override
    public String toString() {
        return "DeviceSession[" + identity + "]";
    }
}
