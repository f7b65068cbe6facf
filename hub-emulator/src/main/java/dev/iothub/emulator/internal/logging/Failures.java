package dev.iothub.emulator.internal.logging;

import io.netty.channel.ChannelException;
import io.netty.handler.codec.DecoderException;

/** Tells the emulator's own failures from what clients and the network do to a connection. */
public final class Failures {
    private Failures() {
    }

    /**
     * Whether a connection's handler caught a failure of the emulator (an Error, or an unchecked exception of its
     * code or its libraries), to log at ERROR with its cause, rather than bytes it could not decode, TLS refused,
     * a reset or a time-out, which a client causes.
     */
    public static boolean isInternal(Throwable cause) {
        boolean clients = cause instanceof DecoderException || cause instanceof ChannelException;
        return cause instanceof Error || cause instanceof RuntimeException && !clients;
    }
}
