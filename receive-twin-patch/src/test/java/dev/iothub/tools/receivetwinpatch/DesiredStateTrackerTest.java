package dev.iothub.tools.receivetwinpatch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import dev.iothub.tools.receivetwinpatch.DesiredStateTracker.Kind;
import dev.iothub.tools.receivetwinpatch.DesiredStateTracker.Update;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DesiredStateTrackerTest {
    private final List<Update> shown = new ArrayList<>();
    private final DesiredStateTracker tracker = new DesiredStateTracker(shown::add);

    @Test
    void showsEachVersionOnceAndCountsMissedVersions() {
        tracker.offerFullTwin(3, new JsonObject(), new JsonObject());
        tracker.offerPatch(4, new JsonObject());
        tracker.offerPatch(4, new JsonObject());
        tracker.offerFullTwin(4, new JsonObject(), new JsonObject());
        tracker.offerFullTwin(7, new JsonObject(), new JsonObject());
        tracker.offerPatch(6, new JsonObject());
        tracker.offerPatch(7, new JsonObject());
        assertEquals(List.of(Kind.CURRENT, Kind.PATCH, Kind.MISSED), shown.stream().map(Update::kind).toList());
        assertEquals(List.of(3, 4, 7), shown.stream().map(Update::version).toList());
        assertEquals(4, tracker.changes());
    }

    @Test
    void aPatchBeforeTheFirstTwinReadCountsAndTheTwinThatHoldsItIsNotShownAgain() {
        tracker.offerPatch(2, new JsonObject());
        tracker.offerFullTwin(2, new JsonObject(), new JsonObject());
        assertEquals(List.of(Kind.PATCH), shown.stream().map(Update::kind).toList());
        assertEquals(1, tracker.changes());
    }
}
