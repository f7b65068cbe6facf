package dev.iothub.bench;

import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Event;

/** What a bench client does on one AMQP connection, which {@link ProtonClientHandler} drives on its event loop. */
interface AmqpClient {
    /** The socket is up: the client opens the connection, and whatever it opens at once. */
    void open(Connection connection);

    /** One event of the client's engine. */
    void handle(Event event);

    /** The connection has ended, or the engine has refused what the emulator sent. */
    void failed();
}
