package dev.iothub.emulator.internal.amqp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.device.DeviceConnection;
import dev.iothub.emulator.internal.device.Ending;
import dev.iothub.emulator.internal.device.DeviceSession;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.methods.MethodChannel;
import dev.iothub.emulator.internal.methods.MethodRequest;
import dev.iothub.emulator.internal.model.IdentityId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.LoggerFactory;

/**
 * One identity authenticated on an AMQP connection (a put-token on {@code $cbs}): its links, the twin
 * requests it sends and their answers, the desired changes it subscribed to, and its direct methods, subscribed
 * while both links of {@code .../methods/devicebound} are attached. One connection may carry several identities,
 * each with its own session on the device side of the hub.
 */
final class AmqpIdentity implements DeviceConnection, MethodChannel {
    private static final String REPORTED = "/properties/reported";
    private static final String DESIRED_NOTIFICATIONS = "/notifications/twin/properties/desired";
    /** Where the Java and .NET SDKs announce the IoT Plug and Play model: the properties of each link they send on. */
    private static final Symbol MODEL_ID = Symbol.valueOf("com.microsoft:model-id");
    private static final RateLimitedLog droppedAnswers = new RateLimitedLog(LoggerFactory.getLogger(AmqpIdentity.class));

    private final IdentityId id;
    private final AmqpHandler handler;
    private final CbsNode cbs;
    private final OutgoingLink twinAnswers;
    private final OutgoingLink methodRequests;
    private final DirectMethods methods;
    /** The methods links attached: the one the hub sends requests on, the one the device answers on. */
    private boolean methodRequestLink;
    private boolean methodResponseLink;
    private final List<Link> links = new ArrayList<>();
    private DeviceSession session;

    AmqpIdentity(IdentityId id, AmqpHandler handler, CbsNode cbs, DirectMethods methods) {
        this.id = id;
        this.handler = handler;
        this.cbs = cbs;
        this.methods = methods;
        this.twinAnswers = new OutgoingLink("the twin of " + id, handler);
        this.methodRequests = new OutgoingLink("the methods of " + id, handler);
    }

    IdentityId id() {
        return id;
    }

    DeviceSession session() {
        return session;
    }

    void session(DeviceSession opened) {
        this.session = opened;
    }

    /** What a link of this identity to {@code address} ({@code addressText} as the client wrote it) is for. */
    Attached attach(Link link, LinkAddress address, String addressText) {
        links.add(link);
        Map<Symbol, Object> properties = link.getRemoteProperties();
        if (properties != null && properties.get(MODEL_ID) instanceof String modelId) {
            session.announceModel(modelId);
        }
        boolean receiving = link instanceof Receiver;
        Runnable forget = () -> links.remove(link);
        return switch (address.endpoint()) {
            case TWIN -> receiving
                    ? Attached.receiving(this::twinRequest, forget)
                    : Attached.sending(twinAnswers, () -> {
                        forget.run();
                        twinAnswers.detach();
                        session.unsubscribeFromDesired();
                    });
            case TELEMETRY -> receiving
                    ? Attached.judgingTransfers(messages -> telemetry(addressText, messages), forget)
                    : Attached.silent(forget);
            case METHODS -> methodsLink(receiving, forget);
            case CLOUD_TO_DEVICE -> receiving ? Attached.silent(forget) : cloudToDevice(link, forget);
        };
    }

    /** Accepted once enqueued on the built-in endpoint, a batch as a whole; rejected if the hub could not keep it. */
    private DeliveryState telemetry(String address, List<Message> messages) {
        try {
            session.sendTelemetry(address, messages.stream().map(AmqpTelemetry::telemetry).toList());
            return Accepted.getInstance();
        } catch (HubException e) {
            return AmqpConnection.rejected("amqp:internal-error", e.getMessage());
        }
    }

    /** The identity's cloud-to-device messages, delivered on {@code link} as its credit allows. */
    private Attached cloudToDevice(Link link, Runnable forget) {
        LeasedLink<?> messages = new LeasedLink<>(session.receiveCloudToDevice(1,
                () -> handler.execute(() -> AmqpConnection.flush(link))), AmqpCloudToDevice::delivered);
        return Attached.sending(messages, () -> {
            forget.run();
            messages.detach();
        });
    }

    /** One of the methods link pair: the identity is subscribed once both are attached, and no longer once one goes. */
    private Attached methodsLink(boolean receiving, Runnable forget) {
        Runnable detached = () -> {
            forget.run();
            boolean wasSubscribed = methodRequestLink && methodResponseLink;
            if (receiving) {
                methodResponseLink = false;
            } else {
                methodRequestLink = false;
                methodRequests.detach();
            }
            if (wasSubscribed) {
                methods.unsubscribe(session);
            }
        };
        if (receiving) {
            methodResponseLink = true;
        } else {
            methodRequestLink = true;
        }
        if (methodRequestLink && methodResponseLink) {
            methods.subscribe(session, this);
        }
        return receiving ? Attached.receiving(this::methodResponse, detached)
                : Attached.sending(methodRequests, detached);
    }

    /** A device's answer to a method request: its correlation-id names the request, {@code IoThub-status} the status. */
    private void methodResponse(Message response) {
        Long requestId = AmqpMessages.methodRequestId(AmqpMessages.correlationId(response));
        Object status = AmqpMessages.applicationProperty(response, AmqpMessages.METHOD_STATUS);
        if (requestId == null || !(status instanceof Number number)) {
            droppedAnswers.info("AMQP {} method response dropped: no request's correlation-id, or no"
                    + " {} as a number", id, AmqpMessages.METHOD_STATUS);
            return;
        }
        methods.respond(session, requestId, number.intValue(), AmqpMessages.body(response));
    }

    @Override
    public void request(MethodRequest request) {
        handler.execute(() -> methodRequests.send(AmqpMessages.methodRequest(request)));
    }

    /** A twin request: GET, PATCH of reported properties, PUT or DELETE of the desired subscription. */
    private void twinRequest(Message request) {
        Object correlationId = AmqpMessages.correlationId(request);
        Object operation = AmqpMessages.annotation(request, AmqpMessages.OPERATION);
        Object resource = AmqpMessages.annotation(request, AmqpMessages.RESOURCE);
        Message answer;
        try {
            if ("GET".equals(operation)) {
                answer = AmqpMessages.response(correlationId, 200, null, session.twin());
            } else if ("PATCH".equals(operation) && REPORTED.equals(resource)) {
                long version = session.patchReported(AmqpMessages.body(request));
                answer = AmqpMessages.response(correlationId, 204, version, null);
            } else if (("PUT".equals(operation) || "DELETE".equals(operation)) && DESIRED_NOTIFICATIONS.equals(resource)) {
                if ("PUT".equals(operation)) {
                    session.subscribeToDesired(0);
                } else {
                    session.unsubscribeFromDesired();
                }
                answer = AmqpMessages.response(correlationId, 200, null, null);
            } else {
                throw HubException.badFormat("The twin operation '" + operation + "' on '" + resource
                        + "' is not one the hub knows.");
            }
        } catch (HubException e) {
            answer = AmqpMessages.error(correlationId, e, Instant.now());
        }
        if (correlationId != null) { // an answer without one would read as a desired change
            twinAnswers.send(answer);
        }
    }

    @Override
    public void desiredChanged(ObjectNode patch) {
        handler.execute(() -> twinAnswers.send(AmqpMessages.desiredChange(patch)));
    }

    /** The hub ends this identity's links (deleted, or connected anew elsewhere); other identities on the connection go on. */
    @Override
    public void close(Ending why) {
        handler.execute(() -> cbs.forget(this, why));
    }

    /** Detaches every link of this identity with {@code condition}. */
    void detachAll(String condition, String why) {
        for (Link link : List.copyOf(links)) {
            link.setCondition(new ErrorCondition(Symbol.valueOf(condition), why));
            link.close();
        }
        links.clear();
        twinAnswers.detach();
        methodRequests.detach();
    }
}
