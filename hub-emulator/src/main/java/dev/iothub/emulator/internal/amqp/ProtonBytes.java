package dev.iothub.emulator.internal.amqp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.qpid.proton.engine.Transport;
import org.apache.qpid.proton.engine.TransportException;

/** Bytes between Netty and a Proton-J transport, which takes input at its tail and gives output at its head. */
public final class ProtonBytes {
    private ProtonBytes() {
    }

    /** Hands the engine as much of {@code bytes} as it has room for, processing each part. */
    public static void feed(Transport transport, ByteBuf bytes) throws TransportException {
        while (bytes.isReadable() && transport.capacity() > 0) {
            var tail = transport.tail();
            int length = Math.min(tail.remaining(), bytes.readableBytes());
            bytes.readBytes(tail.slice().limit(length));
            tail.position(tail.position() + length);
            transport.process();
        }
    }

    /** Up to {@code maxBytes} of what the engine has to send, taken off it; null if it has nothing. */
    public static ByteBuf take(Transport transport, ByteBufAllocator allocator, int maxBytes) {
        int pending = transport.pending();
        if (pending <= 0) {
            return null;
        }
        int length = Math.min(pending, maxBytes);
        ByteBuf out = allocator.buffer(length);
        out.writeBytes(transport.head().slice().limit(length));
        transport.pop(length);
        return out;
    }
}
