package dev.iothub.emulator.internal.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version of the store's last commit, in a file beside it, rewritten in place after every commit and before
 * the commit's writes are acknowledged. MVStore opens a file cut short at an older chunk, or empty, without a word,
 * and the file cannot always tell: its header names the newest chunk only when a chunk is written elsewhere than at
 * the end of the file, so the end a cut takes is often named nowhere, and a chunk cut there looks like the one a
 * kill interrupted, which was never acknowledged. A file that opens older than this has lost acknowledged writes.
 */
final class CommittedVersion implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CommittedVersion.class);
    /** Always this many bytes, so that a record overwrites the last whole: 19 digits and a newline. */
    private static final int RECORD_LENGTH = 20;

    private final Path file;
    private final FileChannel channel;
    /** Whether the last record failed, so that a lasting failure is logged once; guarded by the store's commits. */
    private boolean failing;

    private CommittedVersion(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** The record in {@code file}, created if missing; nothing is recorded until {@link #record}. */
    static CommittedVersion open(Path file) throws IOException {
        return new CommittedVersion(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    /** The version recorded in {@code file}; empty if none is yet (no file, or a kill before its first record). */
    static OptionalLong read(Path file) throws IOException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        if (content.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(content));
        } catch (NumberFormatException e) {
            throw new IOException(file + " is damaged (not a version number): delete it to open the store as it is", e);
        }
    }

    /**
     * Records {@code version}. A failure only leaves the record older than the file, which weakens the next start's
     * check without failing it, so the commit stands; it is logged once until a record succeeds again.
     */
    void record(long version) {
        ByteBuffer bytes = ByteBuffer.wrap(String.format("%0" + (RECORD_LENGTH - 1) + "d\n", version)
                .getBytes(StandardCharsets.US_ASCII));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes, bytes.position());
            }
            failing = false;
        } catch (IOException e) {
            if (!failing) {
                log.warn("Cannot record the store's version in {} ({}): a store cut short later may not be noticed",
                        file, e.getMessage());
            }
            failing = true;
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Cannot close {}: {}", file, e.getMessage());
        }
    }
}
