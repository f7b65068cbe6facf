package dev.iothub.emulator.internal.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/** Files written whole or not at all: a crash, or a reader at the wrong moment, never sees half of one. */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code file}, readable by its owner only or by everyone, synced before it appears. */
    public static void write(Path file, byte[] content, boolean ownerOnly) throws IOException {
        // Named .tmp-*, so a leftover from a crash is never mistaken for one of the emulator's files.
        Path temp = Files.createTempFile(file.getParent(), ".tmp-", null);
        try {
            PosixFileAttributeView posix = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            if (posix != null) {
                posix.setPermissions(PosixFilePermissions.fromString(ownerOnly ? "rw-------" : "rw-r--r--"));
            }
            Files.write(temp, content, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
