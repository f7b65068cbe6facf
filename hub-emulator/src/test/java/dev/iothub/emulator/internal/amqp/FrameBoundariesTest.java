package dev.iothub.emulator.internal.amqp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.engine.Connection;
import org.apache.qpid.proton.engine.Sender;
import org.apache.qpid.proton.engine.Session;
import org.apache.qpid.proton.engine.Transport;
import org.junit.jupiter.api.Test;

class FrameBoundariesTest {
    /** What a Proton-J client sends: SASL header and frames, AMQP header, Open, Begin, Attach, a large transfer. */
    private static byte[] clientBytes() {
        Transport transport = Proton.transport();
        transport.setMaxFrameSize(512); // so that the message spans many frames
        transport.sasl().client();
        transport.sasl().setMechanisms("ANONYMOUS");
        Connection connection = Proton.connection();
        transport.bind(connection);
        connection.open();
        Session session = connection.session();
        session.open();
        Sender sender = session.sender("sender");
        sender.open();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(transport, out);
        sender.delivery(new byte[] {1});
        byte[] message = new byte[20_000];
        sender.send(message, 0, message.length);
        sender.advance();
        drain(transport, out);
        return out.toByteArray();
    }

    private static void drain(Transport transport, ByteArrayOutputStream out) {
        for (int pending = transport.pending(); pending > 0; pending = transport.pending()) {
            ByteBuffer head = transport.head();
            byte[] bytes = new byte[pending];
            head.get(bytes);
            out.write(bytes, 0, bytes.length);
            transport.pop(pending);
        }
    }

    @Test
    void followsAWholeSessionInPiecesOfAnySize() {
        byte[] bytes = clientBytes();
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            FrameBoundaries frames = new FrameBoundaries(AmqpHandler.CHANNEL_MAX);
            boolean anyEnded = false;
            for (int i = 0; i < bytes.length; ) {
                int length = Math.min(bytes.length - i, 1 + random.nextInt(round < 10 ? 3 : 700));
                assertNull(frames.scan(Unpooled.wrappedBuffer(bytes, i, length)), "nothing refused");
                anyEnded |= frames.ended();
                i += length;
            }
            assertTrue(anyEnded);
            assertFalse(frames.midUnit(), "every header and frame ends where the bytes do");
        }
    }

    @Test
    void aFrameBegunIsUnderWayUntilItsLastByte() {
        FrameBoundaries frames = new FrameBoundaries(AmqpHandler.CHANNEL_MAX);
        frames.scan(Unpooled.wrappedBuffer(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0}));
        assertTrue(frames.ended());
        assertFalse(frames.midUnit());
        frames.scan(Unpooled.wrappedBuffer(new byte[] {0, 0}));
        assertFalse(frames.ended());
        assertTrue(frames.midUnit(), "half a size");
        frames.scan(Unpooled.wrappedBuffer(new byte[] {0, 12, 2, 0, 0, 0, 1, 2}));
        assertFalse(frames.ended());
        assertTrue(frames.midUnit(), "a 12-byte frame with 2 bytes to come");
        frames.scan(Unpooled.wrappedBuffer(new byte[] {3, 4, 0, 0}));
        assertTrue(frames.ended());
        assertTrue(frames.midUnit(), "the next frame has begun");
    }

    @Test
    void refusesAFrameBeyondTheChannelMaxWhereItBegins() {
        FrameBoundaries frames = new FrameBoundaries(AmqpHandler.CHANNEL_MAX);
        byte[] headerThenTwoFrames = {'A', 'M', 'Q', 'P', 0, 1, 0, 0, 0, 0, 0, 8, 2, 0, 0x1f, (byte) 0xff,
            0, 0, 0, 8, 2, 0, 0x20, 0x00};
        FrameBoundaries.Violation violation = frames.scan(Unpooled.wrappedBuffer(headerThenTwoFrames));
        assertEquals(16, violation.at(), violation.why());
        assertEquals("A frame on channel 8192, beyond the channel-max 8191.", violation.why());

        frames = new FrameBoundaries(AmqpHandler.CHANNEL_MAX);
        assertNull(frames.scan(Unpooled.wrappedBuffer(new byte[] {'A', 'M', 'Q', 'P', 0, 1, 0, 0, 0, 0})));
        violation = frames.scan(Unpooled.wrappedBuffer(new byte[] {0, 8, 2, 0, 0x20, 0x00}));
        assertEquals(0, violation.at(), "it began in the bytes before");
        assertEquals("A frame on channel 8192, beyond the channel-max 8191.", violation.why());
    }
}
