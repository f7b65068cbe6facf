package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceHub;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceRefusal;
import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.events.BuiltInEndpoint;
import dev.iothub.emulator.internal.events.EventHubAccess;
import dev.iothub.emulator.internal.events.ReceiverRefusal;
import dev.iothub.emulator.internal.events.StartPosition;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.service.ServiceTokens;
import java.net.SocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IoT Hub's device endpoint over one AMQP connection, translated to the device side of the hub: sessions and
 * links opened as the client asks, identities authenticated by put-token on {@code $cbs} ({@link CbsNode}), and
 * each link to a device address ({@code /devices/{d}[/modules/{m}]/twin}, {@code .../messages/events}, ...)
 * given to the identity that owns it, or refused.
 */
final class AmqpConnection {
    private static final Logger log = LoggerFactory.getLogger(AmqpConnection.class);
    private static final RateLimitedLog refusedLinks = new RateLimitedLog(log);
    private static final String CBS = "/$cbs";
    static final String UNAUTHORIZED_ACCESS = "amqp:unauthorized-access";
    static final String NOT_FOUND = "amqp:not-found";
    static final String ILLEGAL_STATE = "amqp:illegal-state";
    static final String INTERNAL_ERROR = "amqp:internal-error";
    /** Credit the hub gives each link a client sends on, topped up as messages come. */
    private static final int CREDIT = 100;
    /**
     * The max-message-size of every link the hub attaches, as its Attach says (a trace of the real hub's, Azure
     * IoT C SDK issue 2233): a larger message detaches the link.
     */
    static final int MAX_MESSAGE_BYTES = 1024 * 1024;
    /**
     * IoT Hub takes messages of up to 256 KB (a little more leaves room for the message's sections): a larger one,
     * within the link's maximum, is rejected and the link goes on (Azure IoT C# SDK issue 2055). A batch (message
     * format 0x80013700, several messages in one, as the C SDK sends telemetry) may fill the link's maximum.
     */
    private static final int MAX_TAKEN_BYTES = 256 * 1024 + 16 * 1024;
    /**
     * The least idle timeout a client may ask for, as the hub's AMQP stack has it (Microsoft.Azure.Amqp, and
     * IoT Edge's copy of the hub): a client asking for 1 ms would have the hub write hundreds of heartbeats a
     * second. Every SDK asks for 30 s or more, or for none.
     */
    static final int MIN_IDLE_TIMEOUT_MILLIS = 5_000;
    /** What a partition receiver asks for to get the partition's last event with each event. */
    private static final Symbol RUNTIME_METRIC = Symbol.valueOf("com.microsoft:enable-receiver-runtime-metric");
    /** How long after a redirected link's attach its detach goes out: long enough to arrive in a read of its own. */
    private static final Duration REDIRECT_DETACH_DELAY = Duration.ofMillis(50);
    /** The port clients redirected to the built-in endpoint are told: the hub's AMQP port, which serves it. */
    private static final int AMQPS_PORT = 5671;
    /** A partition receiver's owner level, Event Hubs' epoch. */
    private static final Symbol EPOCH = Symbol.valueOf("com.microsoft:epoch");
    /** How Event Hubs ends or refuses a receiver whose partition a receiver of a higher owner level has. */
    private static final String LINK_STOLEN = "amqp:link:stolen";

    private final SocketAddress remote;
    private final AmqpHandler handler;
    private final CbsNode cbs;
    private final CloudToDeviceHub cloudToDevice;
    private final BuiltInEndpoint builtInEndpoint;
    private final EventHubAccess eventHubs;
    private final EventManagementNode management;
    /**
     * What ends each partition receiver on this connection: run as its link detaches, or as the connection ends, so
     * that the partition neither wakes nor keeps an owner for a connection that is gone.
     */
    private final Set<Runnable> eventReceivers = new LinkedHashSet<>();

    AmqpConnection(DeviceHub devices, DirectMethods methods, ServiceTokens serviceTokens,
                   CloudToDeviceHub cloudToDevice, BuiltInEndpoint builtInEndpoint, EventHubAccess eventHubs,
                   AmqpHandler handler, SocketAddress remote) {
        this.remote = remote;
        this.handler = handler;
        this.cloudToDevice = cloudToDevice;
        this.builtInEndpoint = builtInEndpoint;
        this.eventHubs = eventHubs;
        this.cbs = new CbsNode(devices, methods, serviceTokens, eventHubs, handler, remote);
        this.management = new EventManagementNode(builtInEndpoint, eventHubs, cbs::eventHubAuthenticated, handler);
    }

    void handle(Event event) {
        if (event.getType() != Event.Type.TRANSPORT_ERROR && event.getConnection() != null
                && event.getConnection().getLocalState() == EndpointState.CLOSED) {
            return; // the hub has closed the connection: nothing more is opened or taken (Proton-J would reopen it)
        }
        switch (event.getType()) {
            case CONNECTION_REMOTE_OPEN -> open(event.getConnection());
            case CONNECTION_REMOTE_CLOSE -> event.getConnection().close();
            case SESSION_REMOTE_OPEN -> begin(event.getSession());
            case SESSION_REMOTE_CLOSE -> ended(event.getSession());
            case LINK_REMOTE_OPEN -> attach(event.getLink());
            case LINK_REMOTE_CLOSE -> detached(event.getLink(), true);
            case LINK_REMOTE_DETACH -> detached(event.getLink(), false);
            case LINK_FLOW -> flush(event.getLink());
            case DELIVERY -> delivery(event.getDelivery());
            case TRANSPORT_ERROR -> log.info("AMQP connection from {} failed: {}", remote,
                    describe(event.getTransport().getCondition()));
            default -> { }
        }
    }

    private void open(Connection connection) {
        int idleTimeout = connection.getTransport().getRemoteIdleTimeout();
        if (idleTimeout > 0 && idleTimeout < MIN_IDLE_TIMEOUT_MILLIS) {
            handler.end(new ConnectionBudget.Breach("amqp:not-allowed", "Idle timeout value specified in connection"
                    + " OPEN ('" + idleTimeout + " ms') is not supported. Minimum idle timeout is '"
                    + MIN_IDLE_TIMEOUT_MILLIS + "' ms."));
            return;
        }
        String host = connection.getRemoteHostname();
        cbs.hubName(host);
        connection.setContainer("DeviceGateway_" + UUID.randomUUID().toString().replace("-", ""));
        connection.open();
        handler.awaitAuthentication();
        log.info("AMQP connection from {} opened (host {})", remote, host);
    }

    /** A session as the client asks, but only on an open connection: Proton-J would take a Begin before the Open. */
    private void begin(Session session) {
        if (session.getConnection().getRemoteState() != EndpointState.ACTIVE) {
            close(session.getConnection(), ILLEGAL_STATE, "The first frame of a connection must be an Open.");
            log.info("AMQP connection from {} closed: a Begin before the Open", remote);
            return;
        }
        ConnectionBudget.Breach breach = handler.budget().sessionBegun();
        if (breach != null) {
            handler.end(breach);
            return;
        }
        session.setIncomingCapacity(ConnectionBudget.SESSION_WINDOW_BYTES); // advertised in frames of 64 KiB
        session.open();
    }

    /** The client ended {@code session}: the engine lets go of it, and of any link on it not yet detached. */
    private void ended(Session session) {
        handler.budget().sessionEnded(session);
        for (Link link = session.getConnection().linkHead(null, null); link != null; link = link.next(null, null)) {
            if (link.getSession() == session) {
                forget(link);
            }
        }
        session.close();
        session.free();
    }

    /** Ends the connection with {@code condition}; Proton-J sends an Open first if it has not sent one yet. */
    static void close(Connection connection, String condition, String description) {
        connection.setCondition(new ErrorCondition(Symbol.valueOf(condition), description));
        connection.close();
    }

    private void attach(Link link) {
        ConnectionBudget.Breach breach = handler.budget().linkAttached(link);
        if (breach != null) {
            handler.end(breach);
            return;
        }
        boolean receiving = link instanceof Receiver;
        String address = address(receiving ? link.getRemoteTarget() : link.getRemoteSource());
        String path = LinkAddress.path(address);
        if (CBS.equals(path)) {
            accept(link, receiving ? Attached.receiving(cbs::putToken, () -> { })
                    : Attached.sending(cbs.answers(), cbs.answers()::detach));
            return;
        }
        EventHubAddress eventHub = EventHubAddress.parse(path, eventHubs.entity());
        if (eventHub != null) {
            attachToTheBuiltInEndpoint(link, eventHub, address);
            return;
        }
        if (LinkAddress.isBuiltInEndpoint(path)) {
            if (!receiving && cbs.mayFindTheBuiltInEndpoint()) {
                redirect(link, path, address);
            } else {
                refuse(link, UNAUTHORIZED_ACCESS, address, AmqpMessages.errorBody(401002, "Unauthorized access",
                        Instant.now()).toString());
            }
            return;
        }
        String serviceFeature = LinkAddress.serviceFeature(path);
        if (serviceFeature != null) {
            if (cbs.serviceAuthenticated() && receiving && LinkAddress.isCloudToDevice(path)) {
                accept(link, Attached.judging(this::cloudToDevice, () -> { }));
                log.info("AMQP service client from {} attached a link to {}", remote, address);
            } else if (cbs.serviceAuthenticated() && !receiving && LinkAddress.isFeedback(path)) {
                LeasedLink<?> feedback = new LeasedLink<>(cloudToDevice.receiveFeedback(
                        () -> handler.execute(() -> flush(link))), records -> AmqpCloudToDevice.feedback(records,
                        cbs.hubName()));
                accept(link, Attached.sending(feedback, feedback::detach));
                log.info("AMQP service client from {} attached a link to {}", remote, address);
            } else if (cbs.serviceAuthenticated()) {
                refuse(link, "amqp:not-implemented", address, serviceFeature + " are not emulated by hub-emulator.");
            } else {
                refuse(link, UNAUTHORIZED_ACCESS, address, AmqpMessages.errorBody(401002, "Unauthorized access",
                        Instant.now()).toString());
            }
            return;
        }
        LinkAddress parsed = LinkAddress.parse(path);
        if (parsed == null) {
            refuse(link, NOT_FOUND, address, "The link address did not match any of the expected formats.");
            return;
        }
        AmqpIdentity owner = cbs.identityOwning(parsed.owner());
        if (owner == null) {
            refuse(link, UNAUTHORIZED_ACCESS, address, AmqpMessages.errorBody(401002, "Unauthorized access", Instant.now()).toString());
            return;
        }
        accept(link, owner.attach(link, parsed, address));
        log.info("AMQP {} attached a {} link to {}", owner.id(), receiving ? "sending" : "receiving", address);
    }

    /**
     * A link of an Event Hubs client: to the management node (its requests, or its answers), or a partition receiver
     * of a consumer group, which needs a token put for the endpoint first.
     */
    private void attachToTheBuiltInEndpoint(Link link, EventHubAddress address, String text) {
        boolean receiving = link instanceof Receiver;
        if (address.isManagement()) {
            accept(link, receiving ? Attached.receiving(management::request, () -> { })
                    : Attached.sending(management.answers(), management.answers()::detach));
            return;
        }
        OptionalInt partition = builtInEndpoint.partition(address.partition());
        StartPosition start = SelectorFilter.startPosition((Source) link.getRemoteSource());
        if (receiving || !cbs.eventHubAuthenticated()) {
            refuse(link, UNAUTHORIZED_ACCESS, text, "Unauthorized access: put a token for " + eventHubs.entity()
                    + " first.");
        } else if (!builtInEndpoint.isConsumerGroup(address.consumerGroup())) {
            refuse(link, NOT_FOUND, text, "The messaging entity '" + eventHubs.entity() + "/ConsumerGroups/"
                    + address.consumerGroup() + "' could not be found.");
        } else if (partition.isEmpty()) {
            refuse(link, NOT_FOUND, text, "The partition '" + address.partition() + "' could not be found.");
        } else if (start == null) {
            refuse(link, "amqp:not-implemented", text, "The link's filter is not one hub-emulator reads.");
        } else {
            boolean runtimeInformation = Arrays.asList(Objects.requireNonNullElse(link.getRemoteDesiredCapabilities(),
                    new Symbol[0])).contains(RUNTIME_METRIC);
            if (runtimeInformation) {
                link.setOfferedCapabilities(new Symbol[] {RUNTIME_METRIC});
            }
            long first = builtInEndpoint.first(partition.getAsInt(), start); // before joining: it cannot fail after
            Runnable leave;
            try {
                leave = builtInEndpoint.joinReceivers(address.consumerGroup(), partition.getAsInt(), ownerLevel(link),
                        why -> handler.execute(() -> stolen(link, why)));
            } catch (ReceiverRefusal refusal) {
                refuse(link, LINK_STOLEN, text, refusal.getMessage());
                return;
            }
            EventReceiverLink events = new EventReceiverLink(builtInEndpoint, partition.getAsInt(), first,
                    runtimeInformation, () -> handler.execute(() -> flush(link)));
            Runnable end = new Runnable() {
                @Override
                public void run() {
                    events.detach();
                    leave.run();
                    eventReceivers.remove(this);
                }
            };
            eventReceivers.add(end);
            accept(link, Attached.sending(events, end));
            log.info("AMQP Event Hubs client from {} attached a receiver to {}", remote, text);
        }
    }

    /** The owner level (epoch) a partition receiver asks for, or null: Event Hubs clients send it as a long. */
    private static Long ownerLevel(Link link) {
        Map<Symbol, Object> properties = link.getRemoteProperties();
        return properties != null && properties.get(EPOCH) instanceof Number level ? level.longValue() : null;
    }

    /** A receiver whose partition another took over is detached, saying so; its client decides what next. */
    private void stolen(Link link, String why) {
        if (link.getLocalState() == EndpointState.ACTIVE) {
            link.setCondition(new ErrorCondition(Symbol.valueOf(LINK_STOLEN), why));
            link.close();
            log.info("AMQP Event Hubs receiver of {} detached: {}", remote, why);
        }
    }

    /**
     * A receiver of the IoT Hub's own {@code messages/events} (or its {@code $management}) is sent to the built-in
     * endpoint, as the hub sends it to its Event Hubs namespace: an attach with no source, then a detach with
     * {@code amqp:link:redirect} whose info names the host, the port and the entity's address. The Azure CLI and
     * the Event Hubs samples for IoT Hub read the entity from that address.
     */
    private void redirect(Link link, String path, String address) {
        String host = eventHubs.hostFor(cbs.hubName());
        String entity = "amqps://" + host + ":" + AMQPS_PORT + "/" + eventHubs.entity() + "/"
                + (path.toLowerCase(Locale.ROOT).endsWith("$management") ? "$management" : "");
        ErrorCondition condition = new ErrorCondition(Symbol.valueOf("amqp:link:redirect"),
                "The built-in endpoint is at " + entity + ".");
        condition.setInfo(Map.of(Symbol.valueOf("hostname"), host, Symbol.valueOf("network-host"), host,
                Symbol.valueOf("port"), AMQPS_PORT, Symbol.valueOf("address"), entity));
        link.setCondition(condition);
        link.open(); // with no source: the link is not the hub's
        // the detach follows a moment later, as the hub's does: the Event Hubs sample for IoT Hub listens for the
        // link's error only once its attach has resolved, and an error in the same read as the attach is lost
        handler.schedule(() -> {
            if (link.getLocalState() == EndpointState.ACTIVE
                    && link.getSession().getLocalState() == EndpointState.ACTIVE) { // not freed with its session
                link.close();
            }
        }, REDIRECT_DETACH_DELAY);
        log.info("AMQP service client from {} redirected from {} to {}", remote, address, entity);
    }

    /** Sends what waits on {@code link}, if the hub sends on it and it is still attached. */
    static void flush(Link link) {
        if (link.getContext() instanceof Attached attached && attached.outgoing() != null
                && link.getLocalState() == EndpointState.ACTIVE) {
            attached.outgoing().flush();
        }
    }

    /**
     * A cloud-to-device message a service sent: accepted once enqueued (durably), else rejected in the hub's words;
     * a store that cannot take it now (a full disk) rejects it as the hub's server error, and the link goes on.
     */
    private DeliveryState cloudToDevice(Message message) {
        try {
            cloudToDevice.send(AmqpCloudToDevice.read(message));
            return Accepted.getInstance();
        } catch (HubException e) {
            refusedLinks.info("AMQP cloud-to-device message from {} rejected: {}", remote, e.getMessage());
            return rejected(INTERNAL_ERROR, e.getMessage());
        } catch (CloudToDeviceRefusal refusal) {
            refusedLinks.info("AMQP cloud-to-device message from {} rejected: {}", remote, refusal.getMessage());
            return rejected(switch (refusal.reason()) {
                case TARGET_NOT_FOUND -> NOT_FOUND;
                case QUEUE_FULL -> "amqp:resource-limit-exceeded";
                case TOO_LARGE -> "amqp:link:message-size-exceeded";
                case INVALID -> "amqp:not-allowed";
            }, refusal.getMessage());
        }
    }

    /** Echoes the client's termini and settle modes, as the hub does, and opens the hub's end of the link. */
    private static void accept(Link link, Attached attached) {
        link.setContext(attached);
        link.setSource(link.getRemoteSource());
        link.setTarget(link.getRemoteTarget());
        link.setSenderSettleMode(link.getRemoteSenderSettleMode());
        link.setReceiverSettleMode(link.getRemoteReceiverSettleMode());
        link.setMaxMessageSize(UnsignedLong.valueOf(MAX_MESSAGE_BYTES));
        link.open();
        if (link instanceof Receiver receiver) {
            receiver.flow(CREDIT);
        } else if (attached.outgoing() != null) {
            attached.outgoing().attach((Sender) link);
        }
    }

    /** Attaches with no terminus of the hub's own, then detaches with the error: AMQP's way to refuse a link. */
    private void refuse(Link link, String condition, String address, String description) {
        if (link instanceof Receiver) {
            link.setSource(link.getRemoteSource());
        } else {
            link.setTarget(link.getRemoteTarget());
        }
        link.setCondition(new ErrorCondition(Symbol.valueOf(condition), description));
        link.open();
        link.close();
        refusedLinks.info("AMQP link to {} from {} refused ({})", address, remote, condition);
    }

    /** The client detached {@code link}: the hub's end follows, and the engine lets go of it. */
    private void detached(Link link, boolean closed) {
        forget(link);
        if (closed) {
            link.close();
        } else {
            link.detach();
        }
        link.free();
    }

    /** What the hub had for {@code link}, and the bytes of a message the client left unfinished on it, go. */
    private void forget(Link link) {
        handler.budget().linkDetached(link);
        if (link.getContext() instanceof Attached attached) {
            attached.detached().run();
            link.setContext(null);
        }
        if (link instanceof Receiver receiver && receiver.current() != null) {
            discard(receiver, receiver.current());
        }
    }

    private void delivery(Delivery delivery) {
        if (delivery.getLink() instanceof Sender) {
            if (delivery.getLink().getContext() instanceof Attached attached && attached.outgoing() != null) {
                attached.outgoing().disposed(delivery); // the client's disposition of what the hub sent
            } else if (delivery.remotelySettled()) {
                delivery.settle();
            }
            return;
        }
        Receiver receiver = (Receiver) delivery.getLink();
        // messages come before the hub's events about them: those not yet taken count against the credit too
        int beyondCredit = receiver.getQueued() - receiver.getCredit();
        if (beyondCredit > 0 && receiver.getLocalState() != EndpointState.CLOSED) {
            handler.end(new ConnectionBudget.Breach(ConnectionBudget.TRANSFER_LIMIT_EXCEEDED, "The client sent "
                    + beyondCredit + " messages beyond the credit of link '" + receiver.getName() + "'."));
            return;
        }
        take(receiver, delivery);
        Session session = receiver.getSession();
        ConnectionBudget.Breach breach = handler.budget().sessionHolds(session, session.getIncomingBytes());
        if (breach != null) {
            handler.end(breach);
        }
    }

    /** A transfer on a link the client sends on: a whole message is taken and settled; part of one waits. */
    private void take(Receiver receiver, Delivery delivery) {
        if (receiver.getLocalState() == EndpointState.CLOSED) {
            discard(receiver, delivery); // in flight when the hub detached the link: not taken
            return;
        }
        // checked on every frame, the last one too: a message may cross the limit in the frame that ends it
        if (delivery.pending() > MAX_MESSAGE_BYTES) {
            receiver.setCondition(new ErrorCondition(Symbol.valueOf("amqp:link:message-size-exceeded"),
                    "The message is larger than " + MAX_MESSAGE_BYTES + " bytes."));
            receiver.close();
            discard(receiver, delivery);
            log.info("AMQP link from {} detached: a message larger than {} bytes", remote, MAX_MESSAGE_BYTES);
            return;
        }
        if (delivery.isPartial() || !delivery.isReadable() || delivery.isSettled()) {
            return;
        }
        byte[] bytes = new byte[delivery.pending()];
        int length = receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        List<Message> messages = null;
        DeliveryState outcome = Accepted.getInstance();
        Attached attached = receiver.getContext() instanceof Attached known ? known : null;
        boolean batch = delivery.getMessageFormat() == AmqpTelemetry.BATCH_FORMAT;
        if (length > MAX_TAKEN_BYTES && !batch) {
            outcome = rejected("amqp:link:message-size-exceeded", "The message is larger than 256 KB, the most IoT Hub"
                    + " takes.");
        } else {
            try {
                messages = batch ? AmqpTelemetry.batch(bytes, length) : List.of(decoded(bytes, length));
            } catch (RuntimeException e) {
                outcome = rejected("amqp:decode-error", "The message cannot be decoded.");
            }
        }
        if (messages != null && attached != null && attached.judged() != null) {
            outcome = attached.judged().apply(messages);
            messages = null; // taken as judged
        }
        // settled first, so that the disposition goes out before any answer, as the hub's does
        if (!delivery.remotelySettled()) {
            delivery.disposition(outcome);
        }
        delivery.settle();
        if (receiver.getCredit() < CREDIT / 2) {
            receiver.flow(CREDIT - receiver.getCredit());
        }
        if (messages != null && attached != null && attached.received() != null) {
            messages.forEach(attached.received());
        }
    }

    private static Message decoded(byte[] bytes, int length) {
        Message message = Message.Factory.create();
        message.decode(bytes, 0, length);
        return message;
    }

    /** Drops what has come of a message the hub does not take, so that its bytes do not pile up in the engine. */
    private static void discard(Receiver receiver, Delivery delivery) {
        byte[] scratch = new byte[Math.max(1, Math.min(delivery.pending(), 64 * 1024))];
        while (receiver.recv(scratch, 0, scratch.length) > 0) {
            // nothing kept
        }
        if (!delivery.isPartial()) {
            receiver.advance();
            delivery.settle();
        }
    }

    /** A service client's credentials in SASL PLAIN (see {@link CbsNode#servicePlain}); why they are refused, or null. */
    String servicePlain(String policy, String sasToken) {
        return cbs.servicePlain(policy, sasToken);
    }

    /** An Event Hubs client's policy and key in SASL PLAIN (see {@link CbsNode#eventHubPlain}); why refused, or null. */
    String eventHubPlain(String policy, String key) {
        return cbs.eventHubPlain(policy, key);
    }

    /** The network connection is gone: every identity on it is disconnected; {@code why}, if known, is logged. */
    void closed(String why) {
        List.copyOf(eventReceivers).forEach(Runnable::run);
        cbs.closed();
        if (why == null) {
            log.info("AMQP connection from {} closed", remote);
        } else {
            log.info("AMQP connection from {} closed: {}", remote, why);
        }
    }

    private static String address(Object terminus) {
        if (terminus instanceof Target target) {
            return target.getAddress();
        }
        return terminus instanceof Source source ? source.getAddress() : null;
    }

    static Rejected rejected(String condition, String why) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(Symbol.valueOf(condition), why));
        return rejected;
    }

    private static String describe(ErrorCondition condition) {
        return condition == null ? "(no condition)" : condition.getCondition() + " " + condition.getDescription();
    }
}
