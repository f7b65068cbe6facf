package dev.iothub.emulator.internal.amqp;

import java.util.List;
import org.apache.qpid.proton.engine.Sasl;
import org.apache.qpid.proton.engine.SaslListener;
import org.apache.qpid.proton.engine.Transport;

/**
 * The hub's side of SASL: it offers {@code MSSBCBS} and {@code ANONYMOUS} and checks nothing, as identity comes
 * later, from CBS. The C SDK (uamqp) and .NET's Event Hubs client choose {@code MSSBCBS} (CBS's own name for
 * "authenticated later") and close at once if it is not offered; Java's SDK chooses {@code ANONYMOUS}; Node's sends
 * no SASL at all. The hub also offers {@code PLAIN} and {@code EXTERNAL}, which identify a client in SASL itself:
 * those are not emulated, and a client choosing one is refused.
 */
final class SaslNegotiation implements SaslListener {
    static final List<String> MECHANISMS = List.of("MSSBCBS", "ANONYMOUS");
    private String refused;

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
        Sasl sasl = transport.sasl();
        if (refused != null) {
            return "the client chose the SASL mechanism " + refused + ", which hub-emulator does not emulate";
        }
        if (sasl.getState() == Sasl.SaslState.PN_SASL_STEP) {
            return "the client ended it during SASL, choosing none of the mechanisms offered (" + String.join(", ", MECHANISMS)
                    + ")";
        }
        return null;
    }

    @Override
    public void onSaslInit(Sasl sasl, Transport transport) {
        String[] chosen = sasl.getRemoteMechanisms();
        if (chosen.length == 1 && MECHANISMS.contains(chosen[0])) {
            sasl.done(Sasl.SaslOutcome.PN_SASL_OK);
        } else {
            refused = String.join(" ", chosen);
            sasl.done(Sasl.SaslOutcome.PN_SASL_AUTH);
        }
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
