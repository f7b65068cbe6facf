package dev.iothub.emulator.internal.events;

import dev.iothub.emulator.internal.auth.HubNames;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.SharedAccessPolicies;
import dev.iothub.emulator.internal.auth.SharedAccessPolicy;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Who may read the built-in endpoint, as Event Hubs decides it: a shared access policy of the hub with
 * ServiceConnect, by a token whose {@code sr} is the endpoint's entity, {@code sb://{host}/{entity}} or
 * {@code amqp://{host}/{entity}} or a path below it, signed as Event Hubs clients sign (with the key's text), or by
 * the policy's name and key themselves (SASL PLAIN, as the C SDK's end-to-end helper gives them).
 */
public final class EventHubAccess {
    private static final Set<String> SCHEMES = Set.of("sb", "amqp", "amqps");
    private final SharedAccessPolicies policies;
    private final HubNames names;
    private final Clock clock;
    private final String entity;

    public EventHubAccess(SharedAccessPolicies policies, HubNames names, Clock clock, String entity) {
        this.policies = policies;
        this.names = names;
        this.clock = clock;
        this.entity = entity;
    }

    /** The endpoint's entity name, its connection strings' {@code EntityPath}. */
    public String entity() {
        return entity;
    }

    /** Whether a client's {@code name} is the entity's, which it matches without regard to case. */
    public boolean isEntity(String name) {
        return entity.equalsIgnoreCase(name);
    }

    /** {@code Endpoint=sb://{host}/;SharedAccessKeyName=…;SharedAccessKey=…;EntityPath={entity}} of a policy. */
    public String connectionString(SharedAccessPolicy policy) {
        return "Endpoint=sb://" + names.primary() + "/;SharedAccessKeyName=" + policy.name() + ";SharedAccessKey="
                + policy.primaryKey() + ";EntityPath=" + entity;
    }

    /** The host a client redirected to the endpoint is sent to: the one it called, if it is the hub's. */
    public String hostFor(String called) {
        return called != null && names.anyMatch(name -> name.equalsIgnoreCase(called)) ? called : names.primary();
    }

    /** Whether {@code sasToken}'s {@code sr} is this endpoint's entity, or a path below it. */
    public boolean isForTheEndpoint(String sasToken) {
        return SharedAccessSignature.parse(sasToken).filter(token -> namesTheEntity(token.resource())).isPresent();
    }

    private boolean namesTheEntity(String resource) {
        int scheme = resource.indexOf("://");
        if (scheme < 0 || !SCHEMES.contains(resource.substring(0, scheme).toLowerCase(Locale.ROOT))) {
            return false;
        }
        String rest = resource.substring(scheme + 3);
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String host = rest.substring(0, slash);
        int port = host.lastIndexOf(':');
        String hostName = port < 0 || host.endsWith("]") ? host : host.substring(0, port);
        String path = rest.substring(slash + 1);
        String first = path.indexOf('/') < 0 ? path : path.substring(0, path.indexOf('/'));
        return names.anyMatch(name -> name.equalsIgnoreCase(hostName)) && isEntity(first);
    }

    /** Null if {@code sasToken} lets its holder read the endpoint now; otherwise why not, in words for a log. */
    public String refusal(String sasToken) {
        SharedAccessSignature token = SharedAccessSignature.parse(sasToken).orElse(null);
        if (token == null || !namesTheEntity(token.resource())) {
            return "the token is not for the entity " + entity + " of this hub";
        }
        if (token.isExpired(clock.instant())) {
            return "the token has expired";
        }
        Optional<SharedAccessPolicy> policy = token.keyName() == null ? Optional.empty()
                : policies.find(token.keyName());
        if (policy.isEmpty()
                || !token.isSignedWithTextOfAnyOf(policy.get().primaryKey(), policy.get().secondaryKey())) {
            return "the token is not signed with the key of a shared access policy of this hub";
        }
        return policy.get().grants(Permission.ServiceConnect) ? null
                : "the policy " + policy.get().name() + " does not grant ServiceConnect";
    }

    /** Null if {@code key} is a key of {@code policyName}, a policy that may read the endpoint; otherwise why not. */
    public String plainRefusal(String policyName, String key) {
        Optional<SharedAccessPolicy> policy = policies.find(policyName);
        if (policy.isEmpty() || !(isKey(key, policy.get().primaryKey()) || isKey(key, policy.get().secondaryKey()))) {
            return "its password is not the key of a shared access policy of this hub";
        }
        return policy.get().grants(Permission.ServiceConnect) ? null
                : "the policy " + policyName + " does not grant ServiceConnect";
    }

    /** Compared in constant time, as signatures are: how long a refusal takes says nothing of the key. */
    private static boolean isKey(String given, String key) {
        return key != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                key.getBytes(StandardCharsets.UTF_8));
    }
}
