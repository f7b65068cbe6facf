package dev.iothub.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Event;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.message.Message;

/**
 * One module's AMQP connection, opened as the Java device SDK (2.5.0) opens it to subscribe to desired
 * properties: a CBS session whose put-token authenticates the module, then in a device session the twin
 * links on {@code /devices/{d}/modules/{m}/twin} and the PUT that subscribes to desired changes. Subscribed
 * once the hub answers that PUT with 200 (the SDK takes the PUT's disposition; the answer also says the hub
 * agreed); after that each desired change is counted. The SDK's telemetry links are not opened: the
 * benchmark holds what a desired patch needs. Or, once authenticated, the no-credit reader of issue 16
 * ({@link TwinUse#GETS_WITHOUT_CREDIT}).
 */
final class AmqpModuleConnection implements AmqpClient {
    private static final String CBS = "$cbs";
    private static final String DESIRED_NOTIFICATIONS = "/notifications/twin/properties/desired";
    private static final Symbol API_VERSION = Symbol.valueOf("com.microsoft:api-version");
    private static final Symbol CHANNEL_CORRELATION_ID = Symbol.valueOf("com.microsoft:channel-correlation-id");
    private static final Symbol OPERATION = Symbol.valueOf("operation");
    private static final Symbol RESOURCE = Symbol.valueOf("resource");
    private static final Symbol STATUS = Symbol.valueOf("status");
    /** What the SDK gives the hub on each link it receives on (its LoggingFlowController), topped up per message. */
    private static final int CREDIT = 1024;
    /** Room enough for a put-token, the PUT or a GET, the only messages this client sends. */
    private static final int MAX_MESSAGE_BYTES = 4096;
    /** The GETs of the no-credit reader: the issue's, which held 160 MB of a 31 KB twin's answers in the emulator. */
    private static final int GETS = 5000;

    /** What the module does on its twin links once its put-token has succeeded. */
    enum TwinUse {
        /** As the SDK does: the SDK's credit on the link answers come by, and the PUT that subscribes. */
        SUBSCRIBE,
        /**
         * A hostile client: no credit on the link answers come by, and {@link #GETS} GETs of the whole twin.
         * Counts as subscribed once the emulator has taken every GET.
         */
        GETS_WITHOUT_CREDIT
    }

    private final String host;
    private final ModuleId module;
    private final String sasToken;
    private final ModuleEvents events;
    private final TwinUse use;
    private final UUID twinChannel = UUID.randomUUID();
    private final UUID subscribeRequest = UUID.randomUUID();
    private Connection connection;
    private Session deviceSession;
    private Sender cbsSender;
    private Receiver cbsReceiver;
    private Sender twinSender;
    private Receiver twinReceiver;
    private boolean tokenSent;
    private long nextTag;
    private volatile int getsTaken; // read by the benchmark

    AmqpModuleConnection(String host, ModuleId module, String sasToken, ModuleEvents events) {
        this(host, module, sasToken, events, TwinUse.SUBSCRIBE);
    }

    AmqpModuleConnection(String host, ModuleId module, String sasToken, ModuleEvents events, TwinUse use) {
        this.host = host;
        this.module = module;
        this.sasToken = sasToken;
        this.events = events;
        this.use = use;
    }

    /** The GETs the emulator has taken so far. */
    int getsTaken() {
        return getsTaken;
    }

    /** Opens the connection and, as the SDK does at once, its two sessions and the CBS links. */
    @Override
    public void open(Connection engine) {
        connection = engine;
        connection.setHostname(host);
        connection.open();
        Session cbs = connection.session();
        cbs.open();
        deviceSession = connection.session();
        deviceSession.open();
        Map<Symbol, Object> properties = Map.of(API_VERSION, "2020-09-30");
        cbsSender = sender(cbs, "cbs-sender", CBS, properties);
        cbsReceiver = receiver(cbs, "cbs-receiver", CBS, properties);
        cbsReceiver.flow(CREDIT);
    }

    @Override
    public void handle(Event event) {
        switch (event.getType()) {
            case LINK_REMOTE_OPEN -> attached(event.getLink());
            case DELIVERY -> delivery(event.getDelivery());
            // a refused link is attached and closed at once; a hub that closes anything has failed the benchmark
            case LINK_REMOTE_CLOSE, LINK_REMOTE_DETACH, SESSION_REMOTE_CLOSE, CONNECTION_REMOTE_CLOSE, TRANSPORT_ERROR ->
                    failed();
            default -> { }
        }
    }

    /** The connection did not get as far as its subscription, or has lost it: it ends. */
    @Override
    public void failed() {
        events.settle(false);
        if (connection != null) {
            connection.close();
        }
    }

    /** The SDK sends its put-token once both CBS links are attached, and its PUT once its twin sender is. */
    private void attached(Link link) {
        if (link == twinSender && use == TwinUse.SUBSCRIBE) {
            send(twinSender, twinRequest(subscribeRequest, Map.of(OPERATION, "PUT", RESOURCE, DESIRED_NOTIFICATIONS)));
        } else if (link == twinSender) {
            for (int i = 0; i < GETS; i++) { // the engine holds them until the emulator gives credit
                send(twinSender, twinRequest(UUID.randomUUID(), Map.of(OPERATION, "GET")));
            }
        } else if (!tokenSent && cbsSender.getRemoteState() == EndpointState.ACTIVE
                && cbsReceiver.getRemoteState() == EndpointState.ACTIVE) {
            tokenSent = true; // both links' attach events may come after both were attached
            send(cbsSender, putToken());
        }
    }

    private void delivery(Delivery delivery) {
        if (delivery.getLink() instanceof Sender) {
            if (delivery.remotelySettled()) {
                delivery.settle(); // the hub's disposition of what this client sent
                if (delivery.getLink() == twinSender && use == TwinUse.GETS_WITHOUT_CREDIT && ++getsTaken == GETS) {
                    events.settle(true);
                }
            }
            return;
        }
        if (delivery.isPartial() || !delivery.isReadable()) {
            return;
        }
        Receiver receiver = (Receiver) delivery.getLink();
        byte[] bytes = new byte[delivery.pending()];
        int length = receiver.recv(bytes, 0, bytes.length);
        receiver.advance();
        delivery.disposition(Accepted.getInstance());
        delivery.settle();
        receiver.flow(1);
        Message message = Message.Factory.create();
        message.decode(bytes, 0, length);
        if (receiver == cbsReceiver) {
            authenticated(message);
        } else if (receiver == twinReceiver) {
            twinMessage(message);
        }
    }

    /** The put-token's answer: on 200 the twin links are attached, both at once as the SDK does. */
    private void authenticated(Message answer) {
        Object status = answer.getApplicationProperties() == null ? null
                : answer.getApplicationProperties().getValue().get("status-code");
        if (!Integer.valueOf(200).equals(status)) {
            failed();
            return;
        }
        String address = module.path() + "/twin";
        String name = "devicetwin-" + module.deviceId() + "/" + module.moduleId() + "-" + twinChannel;
        Map<Symbol, Object> properties = Map.of(API_VERSION, "2020-09-30", CHANNEL_CORRELATION_ID, "twin:" + twinChannel);
        twinSender = sender(deviceSession, "sender_link_" + name, address, properties);
        twinReceiver = receiver(deviceSession, "receiver_link_" + name, address, properties);
        if (use == TwinUse.SUBSCRIBE) {
            twinReceiver.flow(CREDIT);
        }
    }

    /** A desired change (no correlation-id), or the answer to the subscribing PUT. */
    private void twinMessage(Message message) {
        Object correlationId = message.getProperties() == null ? null : message.getProperties().getCorrelationId();
        if (correlationId == null) {
            events.patchArrived();
        } else if (subscribeRequest.equals(correlationId)) {
            Object status = message.getMessageAnnotations() == null ? null
                    : message.getMessageAnnotations().getValue().get(STATUS);
            if (Integer.valueOf(200).equals(status)) {
                events.settle(true);
            } else {
                failed();
            }
        }
    }

    /** The SDK's put-token: its {@code name} is the device's, even for a module; the token's {@code sr} says which. */
    private Message putToken() {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setMessageId(UUID.randomUUID());
        properties.setTo(CBS);
        properties.setReplyTo("cbs");
        message.setProperties(properties);
        message.setApplicationProperties(new ApplicationProperties(Map.of(
                "operation", "put-token",
                "type", "servicebus.windows.net:sastoken",
                "name", host + "/devices/" + module.deviceId())));
        message.setBody(new AmqpValue(sasToken));
        return message;
    }

    /**
     * A twin request as the SDK sends it: the operation in message annotations, a uuid correlation-id, no body;
     * the implicit subscription to desired changes is a PUT of {@link #DESIRED_NOTIFICATIONS}.
     */
    private static Message twinRequest(UUID id, Map<Symbol, Object> annotations) {
        Message message = Message.Factory.create();
        Properties properties = new Properties();
        properties.setMessageId(id);
        properties.setCorrelationId(id);
        message.setProperties(properties);
        message.setMessageAnnotations(new MessageAnnotations(annotations));
        return message;
    }

    private void send(Sender sender, Message message) {
        byte[] buffer = new byte[MAX_MESSAGE_BYTES];
        int length = message.encode(buffer, 0, buffer.length);
        sender.delivery(Long.toString(nextTag++).getBytes(StandardCharsets.US_ASCII)); // unique on every link
        sender.send(buffer, 0, length);
        sender.advance();
    }

    /** A link this client sends on, unsettled as the SDK's; the SDK's CBS sender has no source, nor this one. */
    static Sender sender(Session session, String name, String address, Map<Symbol, Object> properties) {
        Sender sender = session.sender(name);
        Target target = new Target();
        target.setAddress(address);
        sender.setTarget(target);
        sender.setSenderSettleMode(SenderSettleMode.UNSETTLED);
        sender.setProperties(properties);
        sender.open();
        return sender;
    }

    /** A link this client receives on, settling first as the SDK's; it gives the credit. */
    private static Receiver receiver(Session session, String name, String address, Map<Symbol, Object> properties) {
        Receiver receiver = session.receiver(name);
        Source source = new Source();
        source.setAddress(address);
        receiver.setSource(source);
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setProperties(properties);
        receiver.open();
        return receiver;
    }
}
