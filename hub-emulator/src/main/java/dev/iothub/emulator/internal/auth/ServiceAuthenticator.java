package dev.iothub.emulator.internal.auth;

import static dev.iothub.emulator.internal.error.HubException.unauthorized;

import java.time.Clock;

/**
 * Checks a service call's {@code Authorization} header as the hub does: a SharedAccessSignature signed
 * by a hub policy's key, not expired, for this hub, by a policy that grants the permission the
 * operation needs. Every failure is a 401 that says why, never quoting the token.
 */
public final class ServiceAuthenticator {
    private final SharedAccessPolicies policies;
    private final HubNames names;
    private final Clock clock;
    private final VerifiedTokens verified = new VerifiedTokens();

    public ServiceAuthenticator(SharedAccessPolicies policies, HubNames names, Clock clock) {
        this.policies = policies;
        this.names = names;
        this.clock = clock;
    }

    /**
     * Whether {@code authorization} holds a token signed with an identity's own key (no {@code skn}) rather than a
     * policy's; a policy token already verified is told apart without parsing it again.
     */
    public boolean isIdentitysOwn(String authorization) {
        return verified.find(authorization).isEmpty()
                && SharedAccessSignature.parse(authorization).filter(token -> token.keyName() == null).isPresent();
    }

    public void authorize(String authorization, String resourcePath, Permission needed) {
        SharedAccessSignature token = verified.find(authorization).or(() -> SharedAccessSignature.parse(authorization))
                .orElseThrow(() -> unauthorized("The Authorization header is missing or is not a SharedAccessSignature."));
        if (token.keyName() == null) {
            throw unauthorized("The token names no shared access policy (skn); a device's own token is accepted"
                    + " only on its module identities (/devices/{id}/modules).");
        }
        SharedAccessPolicy policy = policies.find(token.keyName())
                .orElseThrow(() -> unauthorized("Unknown shared access policy '" + token.keyName() + "'."));
        if (!names.anyMatch(name -> token.covers(name + resourcePath))) {
            throw unauthorized("The token's resource (sr) is not this hub.");
        }
        if (token.isExpired(clock.instant())) {
            throw unauthorized("The SharedAccessSignature has expired.");
        }
        if (!verified.isSignedWithAnyOf(authorization, token, policy.primaryKey(), policy.secondaryKey())) {
            throw unauthorized("The SharedAccessSignature's signature is invalid.");
        }
        if (!policy.grants(needed)) {
            throw unauthorized("Policy '" + policy.name() + "' does not grant " + needed + ".");
        }
    }
}
