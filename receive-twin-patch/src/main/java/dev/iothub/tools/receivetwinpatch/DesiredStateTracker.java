package dev.iothub.tools.receivetwinpatch;

import com.google.gson.JsonObject;
import java.util.function.Consumer;

/**
 * Decides which desired states to show, so that across reconnects no change is lost and none is
 * shown twice: a patch or a full twin is shown only if its {@code $version} is newer than the last
 * one shown. Changes are counted in versions, so a catch-up after a reconnect that covers three
 * missed patches counts three.
 */
final class DesiredStateTracker {
    enum Kind {
        /** The desired state when the receiver started. */
        CURRENT,
        /** A patch pushed by the hub. */
        PATCH,
        /** The full desired state after a reconnect, newer than the last one shown. */
        MISSED
    }

    /** A desired state to show; {@code reported} is the reported properties read with a full twin, empty for a patch. */
    record Update(Kind kind, int version, JsonObject desired, JsonObject reported) {
    }

    private final Consumer<Update> show;
    private Integer lastVersion;
    private long changes;

    DesiredStateTracker(Consumer<Update> show) {
        this.show = show;
    }

    synchronized boolean offerPatch(int version, JsonObject patch) {
        if (lastVersion != null && version <= lastVersion) {
            return false;
        }
        changes += lastVersion == null ? 1 : version - lastVersion;
        lastVersion = version;
        show.accept(new Update(Kind.PATCH, version, patch, new JsonObject()));
        return true;
    }

    synchronized boolean offerFullTwin(int version, JsonObject desired, JsonObject reported) {
        if (lastVersion == null) {
            lastVersion = version;
            show.accept(new Update(Kind.CURRENT, version, desired, reported));
            return true;
        }
        if (version <= lastVersion) {
            return false;
        }
        changes += version - lastVersion;
        lastVersion = version;
        show.accept(new Update(Kind.MISSED, version, desired, reported));
        return true;
    }

    synchronized long changes() {
        return changes;
    }
}
