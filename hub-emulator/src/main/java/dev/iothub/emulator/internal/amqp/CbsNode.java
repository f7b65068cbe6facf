package dev.iothub.emulator.internal.amqp;

import dev.iothub.emulator.internal.device.DeviceHub;
import dev.iothub.emulator.internal.device.DeviceRefusal;
import dev.iothub.emulator.internal.device.Ending;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.events.EventHubAccess;
import dev.iothub.emulator.internal.logging.RateLimitedLog;
import dev.iothub.emulator.internal.methods.DirectMethods;
import dev.iothub.emulator.internal.model.IdentityId;
import dev.iothub.emulator.internal.service.ServiceTokens;
import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code $cbs} node of one AMQP connection: each put-token authenticates (or renews) the identity its
 * token's {@code sr} names, and the identities let in so far are the ones this connection's links may serve.
 * A failed put-token leaves the connection open, as on the hub: the client decides what to do.
 */
final class CbsNode {
    private static final Logger log = LoggerFactory.getLogger(CbsNode.class);
    private static final RateLimitedLog refusedPutTokens = new RateLimitedLog(log);
    /** The hub's limit: a put-token beyond it is answered 500, and the connection goes on. */
    static final int MAX_IDENTITIES = 1000;

    private final DeviceHub devices;
    private final DirectMethods methods;
    private final AmqpHandler handler;
    private final SocketAddress remote;
    private final Map<IdentityId, AmqpIdentity> identities = new LinkedHashMap<>();
    private final OutgoingLink answers;
    private final ServiceTokens serviceTokens;
    private final EventHubAccess eventHubs;
    /** A token for the built-in endpoint has been put: the connection is an Event Hubs client's. */
    private boolean eventHubAuthenticated;
    /** A service policy's put-token has succeeded: the connection is a service client's. */
    private boolean serviceAuthenticated;
    /** A service policy's token for {@code {host}/messages/events} alone let the connection in (SASL PLAIN). */
    private boolean mayFindTheBuiltInEndpoint;
    private String hubName = "";

    CbsNode(DeviceHub devices, DirectMethods methods, ServiceTokens serviceTokens, EventHubAccess eventHubs,
            AmqpHandler handler, SocketAddress remote) {
        this.devices = devices;
        this.eventHubs = eventHubs;
        this.methods = methods;
        this.serviceTokens = serviceTokens;
        this.handler = handler;
        this.remote = remote;
        this.answers = new OutgoingLink("$cbs", handler);
    }

    /** The hub's name in answers: the host the client said it called, in its Open. */
    void hubName(String name) {
        this.hubName = name == null ? "" : name;
    }

    /** The hub's name as the client called it. */
    String hubName() {
        return hubName;
    }

    /** The client's link that takes this node's answers. */
    OutgoingLink answers() {
        return answers;
    }

    /** A put-token request: answered with 200, 401 or 404 (400 for anything else), as an AMQP int. */
    void putToken(Message request) {
        Object requestId = AmqpMessages.messageId(request);
        Object token = request.getBody() instanceof AmqpValue value ? value.getValue() : null;
        String type = String.valueOf(AmqpMessages.applicationProperty(request, "type"));
        if (!"put-token".equals(AmqpMessages.applicationProperty(request, "operation"))
                || !type.endsWith(":sastoken") || !(token instanceof String sasToken)) {
            refusedPutTokens.info("AMQP CBS request from {} refused (400): not a put-token of a SAS token", remote);
            answers.send(AmqpMessages.cbsResponse(requestId, 400,
                    "The request is not a put-token of a SharedAccessSignature (type servicebus.windows.net:sastoken)."));
            return;
        }
        if (eventHubs.isForTheEndpoint(sasToken)) {
            eventHubPutToken(requestId, sasToken);
            return;
        }
        if (serviceTokens.isForTheHub(sasToken)) {
            servicePutToken(requestId, sasToken);
            return;
        }
        IdentityId id = null;
        try {
            id = devices.identityOf(sasToken);
            if (identities.containsKey(id)) {
                devices.renew(identities.get(id).session(), sasToken); // the links stay as they are
            } else if (identities.size() >= MAX_IDENTITIES) {
                refusedPutTokens.info("AMQP put-token from {} refused (500): {} identities on the connection already",
                        remote, MAX_IDENTITIES);
                answers.send(AmqpMessages.cbsResponse(requestId, 500, "The maximum number of tokens per connection ("
                        + MAX_IDENTITIES + ") has been reached."));
                return;
            } else {
                AmqpIdentity identity = new AmqpIdentity(id, handler, this, methods);
                identity.session(devices.connect(id, sasToken, identity));
                identities.put(id, identity);
                log.info("AMQP {} connected from {}", id, remote);
            }
            handler.authenticated();
            answers.send(AmqpMessages.cbsResponse(requestId, 200, "OK"));
        } catch (DeviceRefusal refusal) {
            boolean notFound = refusal.reason() == DeviceRefusal.Reason.NOT_FOUND;
            refusedPutTokens.info("AMQP put-token from {} refused ({}): {}", remote, notFound ? 404 : 401,
                    refusal.getMessage());
            answers.send(AmqpMessages.cbsResponse(requestId, notFound ? 404 : 401, notFound
                    ? "Device " + id + " at IotHub " + hubName + " not registered."
                    : "Unauthorized: " + refusal.getMessage() + "."));
        }
    }

    /** An Event Hubs client's put-token, for the built-in endpoint's entity or a path below it. */
    private void eventHubPutToken(Object requestId, String sasToken) {
        String refusal = eventHubs.refusal(sasToken);
        if (refusal != null) {
            refusedPutTokens.info("AMQP Event Hubs put-token from {} refused (401): {}", remote, refusal);
            answers.send(AmqpMessages.cbsResponse(requestId, 401, "Unauthorized: " + refusal + "."));
            return;
        }
        letInEventHubClient();
        answers.send(AmqpMessages.cbsResponse(requestId, 200, "OK"));
    }

    /**
     * An Event Hubs client's policy and key in SASL PLAIN, as the C SDK's end-to-end helper gives them: they let the
     * connection read the built-in endpoint with no put-token. Answers why they are refused, or null.
     */
    String eventHubPlain(String policy, String key) {
        String refusal = eventHubs.plainRefusal(policy, key);
        if (refusal == null) {
            letInEventHubClient();
        }
        return refusal;
    }

    /** The connection is an Event Hubs client's from now on: it may read the built-in endpoint. */
    private void letInEventHubClient() {
        if (!eventHubAuthenticated) {
            eventHubAuthenticated = true;
            handler.authenticated();
            log.info("AMQP Event Hubs client connected from {}", remote);
        }
    }

    boolean eventHubAuthenticated() {
        return eventHubAuthenticated;
    }

    /** A service client's put-token (a policy's token for the hub itself, with ServiceConnect). */
    private void servicePutToken(Object requestId, String sasToken) {
        String refusal = authenticateService(sasToken, false);
        if (refusal != null) {
            refusedPutTokens.info("AMQP service put-token from {} refused (401): {}", remote, refusal);
            answers.send(AmqpMessages.cbsResponse(requestId, 401, refusal));
            return;
        }
        answers.send(AmqpMessages.cbsResponse(requestId, 200, "OK"));
    }

    /**
     * A service client's credentials in SASL PLAIN, as the C SDK's service client gives them: taken as a put-token
     * of {@code sasToken} would be, if it is {@code policy}'s token for the hub; answers why not, or null.
     */
    String servicePlain(String policy, String sasToken) {
        if (serviceTokens.isPolicysTokenForTheHub(policy, sasToken)) {
            return authenticateService(sasToken, false);
        }
        return serviceTokens.isPolicysTokenForTheBuiltInEndpoint(policy, sasToken) ? authenticateService(sasToken, true)
                : "its password is not a token of its policy for this hub";
    }

    /** Whether the connection may be told where the built-in endpoint is: a service client's, with ServiceConnect. */
    boolean mayFindTheBuiltInEndpoint() {
        return serviceAuthenticated || mayFindTheBuiltInEndpoint;
    }

    /**
     * Lets the connection in as a service client if {@code sasToken} allows it, for the whole hub or only to be told
     * where the built-in endpoint is; answers why not, or null.
     */
    private String authenticateService(String sasToken, boolean builtInEndpointOnly) {
        try {
            if (builtInEndpointOnly) {
                serviceTokens.authenticateForTheBuiltInEndpoint(sasToken);
            } else {
                serviceTokens.authenticate(sasToken);
            }
        } catch (HubException e) {
            return e.getMessage();
        }
        if (builtInEndpointOnly) {
            mayFindTheBuiltInEndpoint = true;
        } else {
            serviceAuthenticated = true;
        }
        handler.authenticated();
        log.info("AMQP service client connected from {}{}", remote, builtInEndpointOnly ? ", for the built-in endpoint"
                : "");
        return null;
    }

    boolean serviceAuthenticated() {
        return serviceAuthenticated;
    }

    /** The identity let in on this connection whose resources {@code owner}'s are, or null: no identity reaches another's. */
    AmqpIdentity identityOwning(IdentityId owner) {
        for (AmqpIdentity identity : identities.values()) {
            if (identity.session().owns(owner)) {
                return identity;
            }
        }
        return null;
    }

    /**
     * The hub ended {@code identity}'s session: its links are detached with the hub's condition for why; the
     * connection's other identities go on.
     */
    void forget(AmqpIdentity identity, Ending why) {
        if (identities.remove(identity.id(), identity)) {
            identity.detachAll(conditionOf(why), "The hub ended the links of " + identity.id() + ": " + why + ".");
            identity.session().close();
            log.info("AMQP {} disconnected: {}", identity.id(), why);
        }
    }

    /** How the hub says {@code why} on a link: a newer connection stole it; a token ran out; the identity is gone. */
    private static String conditionOf(Ending why) {
        return switch (why) {
            case REPLACED -> "amqp:link:stolen";
            case DROPPED -> "amqp:link:detach-forced";
            case TOKEN_EXPIRED -> AmqpConnection.UNAUTHORIZED_ACCESS;
            case IDENTITY_DELETED, DISABLED -> AmqpConnection.NOT_FOUND;
        };
    }

    /** The network connection is gone: every identity on it is disconnected. */
    void closed() {
        for (AmqpIdentity identity : List.copyOf(identities.values())) {
            identity.session().close();
            log.info("AMQP {} disconnected", identity.id());
        }
        identities.clear();
    }
}
