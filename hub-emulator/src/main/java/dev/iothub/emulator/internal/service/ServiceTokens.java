package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.HubNames;
import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;
import dev.iothub.emulator.internal.auth.SharedAccessSignature;

/**
 * A service client's token on the hub's AMQP endpoint (the service SDKs put one on {@code $cbs} before they send
 * cloud-to-device messages or read their feedback): a shared access policy's token for the hub itself, checked as
 * the hub checks any service call that needs ServiceConnect.
 */
public final class ServiceTokens {
    private static final String BUILT_IN_ENDPOINT = "/messages/events";
    private final ServiceAuthenticator authenticator;
    private final HubNames names;

    public ServiceTokens(ServiceAuthenticator authenticator, HubNames names) {
        this.authenticator = authenticator;
        this.names = names;
    }

    /** Whether {@code sasToken}'s {@code sr} is the hub itself, not one of its devices: a service client's token. */
    public boolean isForTheHub(String sasToken) {
        return SharedAccessSignature.parse(sasToken).filter(token -> names.anyMatch(token::covers)).isPresent();
    }

    /** Whether {@code sasToken} is {@code policy}'s token for the hub itself, as SASL PLAIN gives the two. */
    public boolean isPolicysTokenForTheHub(String policy, String sasToken) {
        return SharedAccessSignature.parse(sasToken)
                .filter(token -> policy.equals(token.keyName()) && names.anyMatch(token::covers)).isPresent();
    }

    /**
     * Whether {@code sasToken} is {@code policy}'s token for the hub's built-in endpoint alone,
     * {@code sr={host}/messages/events}, as the Event Hubs sample that finds the endpoint gives it in SASL PLAIN.
     */
    public boolean isPolicysTokenForTheBuiltInEndpoint(String policy, String sasToken) {
        return SharedAccessSignature.parse(sasToken).filter(token -> policy.equals(token.keyName())
                && names.anyMatch(name -> token.covers(name + BUILT_IN_ENDPOINT))).isPresent();
    }

    /** Returns if {@code sasToken} may find the built-in endpoint (ServiceConnect); throws the hub's 401 if not. */
    public void authenticateForTheBuiltInEndpoint(String sasToken) {
        authenticator.authorize(sasToken, BUILT_IN_ENDPOINT, Permission.ServiceConnect);
    }

    /** Returns if {@code sasToken} lets a service client in; throws the hub's 401 (a HubException) if not. */
    public void authenticate(String sasToken) {
        authenticator.authorize(sasToken, "", Permission.ServiceConnect);
    }
}
