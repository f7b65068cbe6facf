package dev.iothub.emulator.internal.auth;

import dev.iothub.emulator.internal.model.Identity;
import java.time.Clock;

/**
 * Checks the SAS token a device or module connects with: signed with the identity's own key (or with
 * a policy that grants DeviceConnect), not expired, and for this identity or a path above it.
 */
public final class DeviceAuthenticator {
    private final SharedAccessPolicies policies;
    private final HubNames names;
    private final Clock clock;

    public DeviceAuthenticator(SharedAccessPolicies policies, HubNames names, Clock clock) {
        this.policies = policies;
        this.names = names;
        this.clock = clock;
    }

    public boolean accepts(String password, Identity identity) {
        SharedAccessSignature token = SharedAccessSignature.parse(password).orElse(null);
        if (token == null || token.isExpired(clock.instant())
                || !names.anyMatch(name -> token.covers(name + pathOf(identity)))) {
            return false;
        }
        if (token.keyName() != null) {
            return policies.find(token.keyName())
                    .filter(policy -> policy.grants(Permission.DeviceConnect))
                    .map(policy -> token.isSignedWithAnyOf(policy.primaryKey(), policy.secondaryKey()))
                    .orElse(false);
        }
        return identity.authentication().isSas()
                && token.isSignedWithAnyOf(identity.authentication().primaryKey(), identity.authentication().secondaryKey());
    }

    private static String pathOf(Identity identity) {
        String device = "/devices/" + identity.id().deviceId();
        return identity.id().isModule() ? device + "/modules/" + identity.id().moduleId() : device;
    }
}
