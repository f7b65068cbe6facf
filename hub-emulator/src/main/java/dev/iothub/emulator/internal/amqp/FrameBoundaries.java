package dev.iothub.emulator.internal.amqp;

import io.netty.buffer.ByteBuf;

/**
 * Follows where AMQP's units begin and end in the bytes a peer sends, without consuming them: an 8-byte
 * protocol header ({@code AMQP} and 4 more bytes, before SASL and again before AMQP proper) or a frame, whose
 * 8-byte header gives its whole size, its type and its channel. Enough to tell whether a peer is in the middle
 * of one, and whether it finished one, so that a unit trickled in forever can be ended; and to refuse, before
 * the engine sees it, a frame on a channel beyond the hub's channel-max, which Proton-J takes (it refuses a frame
 * larger than the maximum frame size itself).
 */
final class FrameBoundaries {
    private static final int AMQP = 'A' << 24 | 'M' << 16 | 'Q' << 8 | 'P';
    private static final int HEADER = 8;
    private static final int AMQP_FRAME = 0;

    /** A frame the peer may not send: {@code at} is the index where it begins in the bytes scanned (or before). */
    record Violation(int at, String why) {
    }

    private final int channelMax;
    /** The header of the unit under way, while fewer than 8 of its bytes have come. */
    private final byte[] header = new byte[HEADER];
    private int headerLength;
    /** Bytes of the unit under way still to come, once its header has. */
    private long remaining;
    private boolean ended;
    /** Whether the last protocol header was AMQP's own (protocol id 0), not SASL's: AMQP frames follow it. */
    private boolean amqp;

    FrameBoundaries(int channelMax) {
        this.channelMax = channelMax;
    }

    /** Follows {@code bytes}; the first frame in them the peer may not send, or null. */
    Violation scan(ByteBuf bytes) {
        ended = false;
        for (int i = bytes.readerIndex(), end = bytes.writerIndex(); i < end; ) {
            if (remaining > 0) {
                int taken = (int) Math.min(remaining, end - i);
                remaining -= taken;
                i += taken;
                ended |= remaining == 0;
                continue;
            }
            header[headerLength++] = bytes.getByte(i++);
            if (headerLength == HEADER) {
                int unitStart = i - HEADER; // before these bytes if the header began in earlier ones
                headerLength = 0;
                String why = checkHeader();
                if (why != null) {
                    return new Violation(Math.max(bytes.readerIndex(), unitStart), why);
                }
                ended |= remaining == 0;
            }
        }
        return null;
    }

    /** Reads the header just completed: the bytes of the unit still to come, or why the frame is refused. */
    private String checkHeader() {
        int first = (header[0] & 0xff) << 24 | (header[1] & 0xff) << 16 | (header[2] & 0xff) << 8 | header[3] & 0xff;
        if (first == AMQP) {
            amqp = header[4] == 0;
            remaining = 0; // a protocol header is its 8 bytes; one the hub does not speak is the engine's to refuse
            return null;
        }
        int channel = (header[6] & 0xff) << 8 | header[7] & 0xff;
        if (header[5] == AMQP_FRAME && channel > channelMax) {
            return "A frame on channel " + channel + ", beyond the channel-max " + channelMax + ".";
        }
        // a size too small or too large is the engine's to refuse
        remaining = Math.max(0, Integer.toUnsignedLong(first) - HEADER);
        return null;
    }

    /** True until AMQP's own protocol header has come: before it, no AMQP Close can be sent (SASL has none). */
    boolean beforeAmqp() {
        return !amqp;
    }

    /** True if at least one unit ended in the bytes last scanned. */
    boolean ended() {
        return ended;
    }

    /** True while a unit has begun and not ended. */
    boolean midUnit() {
        return headerLength > 0 || remaining > 0;
    }
}
