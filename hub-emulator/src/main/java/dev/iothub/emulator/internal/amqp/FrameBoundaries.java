package dev.iothub.emulator.internal.amqp;

import io.netty.buffer.ByteBuf;

/**
 * Follows where AMQP's units begin and end in the bytes a peer sends, without consuming them: an 8-byte
 * protocol header ({@code AMQP} and 4 more bytes, before SASL and again before AMQP proper) or a frame, whose
 * first 4 bytes give its whole size. Enough to tell whether a peer is in the middle of one, and whether it
 * finished one, so that a unit trickled in forever can be ended.
 */
final class FrameBoundaries {
    private static final int AMQP = 'A' << 24 | 'M' << 16 | 'Q' << 8 | 'P';

    /** The first bytes of the unit under way, while fewer than 4 have come. */
    private int prefix;
    private int prefixLength;
    /** Bytes of the unit under way still to come, once its first 4 have. */
    private long remaining;

    /** Follows {@code bytes}; true if at least one unit ended in them. */
    boolean scan(ByteBuf bytes) {
        boolean ended = false;
        for (int i = bytes.readerIndex(), end = bytes.writerIndex(); i < end; ) {
            if (remaining > 0) {
                int taken = (int) Math.min(remaining, end - i);
                remaining -= taken;
                i += taken;
                ended |= remaining == 0;
                continue;
            }
            prefix = prefix << 8 | bytes.getUnsignedByte(i++);
            if (++prefixLength == 4) {
                // a frame's size counts its first 4 bytes; a size too small is the engine's to refuse
                remaining = prefix == AMQP ? 4 : Math.max(0, Integer.toUnsignedLong(prefix) - 4);
                ended |= remaining == 0;
                prefix = 0;
                prefixLength = 0;
            }
        }
        return ended;
    }

    /** True while a unit has begun and not ended. */
    boolean midUnit() {
        return prefixLength > 0 || remaining > 0;
    }
}
