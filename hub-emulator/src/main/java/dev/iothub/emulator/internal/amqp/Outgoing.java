package dev.iothub.emulator.internal.amqp;

import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.Sender;

/** What the hub sends on a link the client receives on: sent as the client's credit allows. */
interface Outgoing {

    /** The link to send on, once attached. */
    void attach(Sender sender);

    /** Sends what waits, as far as the credit goes. */
    void flush();

    /** The client's disposition of {@code delivery} came (or changed). */
    void disposed(Delivery delivery);
}
