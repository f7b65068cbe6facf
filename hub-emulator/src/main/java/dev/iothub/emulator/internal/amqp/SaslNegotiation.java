package dev.iothub.emulator.internal.amqp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Transport;

/**
 * The hub's side of SASL. It offers {@code MSSBCBS} and {@code ANONYMOUS}, which check nothing, as identity comes
 * later, from CBS: the C SDK's device client (uamqp) and .NET's Event Hubs client choose {@code MSSBCBS} (CBS's own
 * name for "authenticated later") and close at once if it is not offered; Java's SDK chooses {@code ANONYMOUS};
 * Node's sends no SASL at all. It offers {@code PLAIN} too, which identifies the client in SASL itself: the C SDK's
 * service client sends {@code {policy}@sas.root.{hub}} and the policy's token for the hub, checked here as a put-token
 * of it would be; its end-to-end helper, reading the built-in endpoint as Event Hubs lets a client, sends a policy's
 * name and its key itself. The hub also takes a device's {@code {deviceId}@sas.{hub}} and offers {@code EXTERNAL}
 * (X.509): neither is emulated, and a client choosing one is refused.
 */
final class SaslNegotiation implements SaslListener {
    static final List<String> MECHANISMS = List.of("MSSBCBS", "PLAIN", "ANONYMOUS");
    private static final String SERVICE_USER = "@sas.root.";

    /** Checks the credentials a client gives in SASL PLAIN; each answers why they are refused, or null. */
    interface PlainCredentials {
        /** Lets the connection in as a service client of {@code policy} with {@code sasToken}. */
        String service(String policy, String sasToken);

        /** Lets the connection in as an Event Hubs client of {@code policy} with {@code key}, one of its keys. */
        String eventHub(String policy, String key);
    }

    private final PlainCredentials credentials;
    private String refused;

    SaslNegotiation(PlainCredentials credentials) {
        this.credentials = credentials;
    }

    /** Makes {@code transport}'s SASL layer the hub's, or lets the client skip it. */
    void offer(Transport transport) {
        Sasl sasl = transport.sasl();
        sasl.server();
        sasl.setMechanisms(MECHANISMS.toArray(String[]::new));
        sasl.allowSkip(true);
        sasl.setListener(this);
    }

    /** Whether the client's mechanism was refused: the connection ends once the outcome saying so is sent. */
    boolean refused() {
        return refused != null;
    }

    /**
     * Why the client's SASL did not succeed, for the log line of a connection ending before AMQP's own header came;
     * null if it did, or if the client sent no SASL.
     */
    String failure(Transport transport) {
        if (refused != null) {
            return "the client's SASL was refused: " + refused;
        }
        if (transport.sasl().getState() == Sasl.SaslState.PN_SASL_STEP) {
            return "the client ended it during SASL, choosing none of the mechanisms offered ("
                    + String.join(", ", MECHANISMS) + ")";
        }
        return null;
    }

    @Override
    public void onSaslInit(Sasl sasl, Transport transport) {
        String[] chosen = sasl.getRemoteMechanisms();
        String mechanism = chosen.length == 1 ? chosen[0] : String.join(" ", chosen);
        refused = switch (mechanism) {
            case "MSSBCBS", "ANONYMOUS" -> null;
            case "PLAIN" -> plain(sasl);
            default -> "it chose the mechanism " + mechanism + ", which hub-emulator does not emulate";
        };
        sasl.done(refused == null ? Sasl.SaslOutcome.PN_SASL_OK : Sasl.SaslOutcome.PN_SASL_AUTH);
    }

    /** PLAIN's initial response is {@code authzid NUL authcid NUL password} (RFC 4616). */
    private String plain(Sasl sasl) {
        byte[] response = new byte[Math.max(0, sasl.pending())];
        sasl.recv(response, 0, response.length);
        String[] parts = new String(response, StandardCharsets.UTF_8).split("\0", -1);
        if (parts.length != 3) {
            return "its PLAIN response is not authzid, user name and password";
        }
        String user = parts[1];
        int at = user.indexOf(SERVICE_USER);
        if (at > 0) {
            return credentials.service(user.substring(0, at), parts[2]);
        }
        if (user.indexOf('@') < 0) {
            return credentials.eventHub(user, parts[2]);
        }
        return "a device's or module's identity in SASL PLAIN ({deviceId}@sas.{hub}) is not emulated; hub-emulator"
                + " takes it from a put-token on $cbs";
    }

    @Override
    public void onSaslResponse(Sasl sasl, Transport transport) {
    }

    @Override
    public void onSaslMechanisms(Sasl sasl, Transport transport) {
    }

    @Override
    public void onSaslChallenge(Sasl sasl, Transport transport) {
    }

    @Override
    public void onSaslOutcome(Sasl sasl, Transport transport) {
    }
}
