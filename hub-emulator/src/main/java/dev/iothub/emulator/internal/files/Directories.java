package dev.iothub.emulator.internal.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;

/** The emulator's directories, with the permissions their content needs, whatever the umask. */
public final class Directories {
    /** What any user may read: the CA, and the way to it. */
    public static final String PUBLIC = "rwxr-xr-x";
    /** What only the emulator's user may read: keys. */
    public static final String OWNER_ONLY = "rwx------";

    private Directories() {
    }

    /** Creates {@code directory} (and its parents) if missing, and gives it {@code permissions} on POSIX systems. */
    public static Path create(Path directory, String permissions) throws IOException {
        Files.createDirectories(directory);
        restrict(directory, permissions);
        return directory;
    }

    /** Gives {@code path} {@code permissions} (e.g. {@code rw-------}) on POSIX systems. */
    public static void restrict(Path path, String permissions) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (posix != null) {
            posix.setPermissions(PosixFilePermissions.fromString(permissions));
        }
    }
}
