package dev.iothub.tools.updatemoduletwin;

import static dev.iothub.tools.common.testing.HubArgs.service;
import static dev.iothub.tools.common.testing.ToolAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.device.ClientOptions;
import com.microsoft.azure.sdk.iot.device.IotHubClientProtocol;
import com.microsoft.azure.sdk.iot.device.ModuleClient;
import com.microsoft.azure.sdk.iot.device.twin.TwinCollection;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.testing.Run;
import dev.iothub.tools.common.testing.ServiceSide;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * update-module-twin against hub-emulator over real sockets. The twin is changed between the tool's
 * read and its patch through the tool's {@code betweenReadAndPatch} hook, by another service client.
 */
class UpdateModuleTwinTest {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.22");

    private String deviceId;
    private final String moduleId = "twin-module";

    @BeforeEach
    void createModule(TestInfo test) throws Exception {
        deviceId = test.getTestMethod().orElseThrow().getName();
        ServiceSide.createModule(EMULATOR.hub(), deviceId, moduleId);
    }

    private Run run(UpdateModuleTwin tool, String... args) {
        String[] ids = {"--device-id", deviceId, "--module-id", moduleId};
        String[] all = new String[ids.length + args.length];
        System.arraycopy(ids, 0, all, 0, ids.length);
        System.arraycopy(args, 0, all, ids.length, args.length);
        return Run.of(UpdateModuleTwin.commandLine(tool), service(EMULATOR.hub(), all));
    }

    private Run run(String... args) {
        return run(new UpdateModuleTwin(), args);
    }

    /** What another writer does: patch the desired properties without any If-Match. */
    private void concurrentWrite(String name, Object value) {
        ServiceSide.patchDesired(EMULATOR.hub(), deviceId, moduleId, name, value);
    }

    private Map<String, Object> desiredOnTheHub() throws Exception {
        return ServiceSide.desired(EMULATOR.hub(), deviceId, moduleId);
    }

    @Test
    void patchesTheTutorialsDesiredPropertyAndPrintsBeforeAndAfter() throws Exception {
        Run run = run();
        assertEquals(0, run.exitCode(), run.toString());
        String out = run.out().toString();
        assertTrue(out.contains("before the update (etag AAAAAAAAAAE=, version 1)"), out);
        assertTrue(out.contains("Patching desired properties with {\"telemetryInterval\":122} (If-Match: \"AAAAAAAAAAE=\")"), out);
        assertTrue(out.contains("  desired:  {\"telemetryInterval\":122,\"$version\":2}"), out);
        assertEquals(122, ((Number) desiredOnTheHub().get("telemetryInterval")).intValue());
    }

    @Test
    void jsonOutputIsOneObjectWithTheTwinBeforeAndAfter(@TempDir Path dir) throws Exception {
        Path patch = Files.writeString(dir.resolve("patch.json"), "{\"telemetryInterval\": 30, \"mode\": {\"fast\": true}}");
        Run run = run("--desired", "@" + patch, "-o", "json");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals(1, run.out().toString().strip().lines().count(), run.toString());
        JsonObject result = JsonParser.parseString(run.out().toString()).getAsJsonObject();
        assertEquals(1, result.get("attempts").getAsInt());
        JsonObject before = result.getAsJsonObject("before");
        JsonObject after = result.getAsJsonObject("after");
        assertEquals("\"" + before.get("etag").getAsString() + "\"", result.get("ifMatch").getAsString());
        assertEquals(before.getAsJsonObject("desired").get("$version").getAsInt() + 1,
                after.getAsJsonObject("desired").get("$version").getAsInt());
        assertEquals(30, after.getAsJsonObject("desired").get("telemetryInterval").getAsInt());
        assertTrue(after.getAsJsonObject("desired").getAsJsonObject("mode").get("fast").getAsBoolean());

        Run delete = run("--desired", "{\"mode\": null}", "-o", "json");
        assertEquals(0, delete.exitCode(), delete.toString());
        assertFalse(JsonParser.parseString(delete.out().toString()).getAsJsonObject().getAsJsonObject("after")
                .getAsJsonObject("desired").has("mode"), delete.toString());
        assertFalse(desiredOnTheHub().containsKey("mode"));
    }

    /** --show prints the twin and changes nothing: a way to see a twin without patching it. */
    @Test
    void showPrintsTheTwinAndChangesNothing() throws Exception {
        concurrentWrite("mode", "eco");

        Run text = run("--show");
        assertEquals(0, text.exitCode(), text.toString());
        assertTrue(text.out().toString().contains("  desired:  {\"mode\":\"eco\",\"$version\":2}"), text.toString());
        assertFalse(text.out().toString().contains("Patching"), text.toString());
        Run json = run("--show", "-o", "json");
        assertEquals(0, json.exitCode(), json.toString());
        assertEquals(2, JsonParser.parseString(json.out().toString()).getAsJsonObject().getAsJsonObject("twin")
                .getAsJsonObject("desired").get("$version").getAsInt());

        assertEquals(Map.of("mode", "eco"), desiredOnTheHub());
    }

    /**
     * --wait-ack waits for the module to acknowledge the version the patch made, as receive-twin-patch --ack
     * does (played here by a device SDK module that reports the acknowledgement); without one, exit 4.
     */
    @Test
    void waitAckWaitsForTheModulesAcknowledgement() throws Exception {
        Run unacknowledged = run("--desired", "{\"mode\":\"eco\"}", "--wait-ack", "800ms");
        assertEquals(4, unacknowledged.exitCode(), unacknowledged.toString());
        assertTrue(unacknowledged.err().toString().contains("did not acknowledge $version 2 within 800 ms"),
                unacknowledged.toString());

        ExecutorService reporter = Executors.newSingleThreadExecutor();
        ModuleClient module = new ModuleClient(EMULATOR.hub().moduleConnectionString(deviceId, moduleId),
                IotHubClientProtocol.MQTT, ClientOptions.builder().sslContext(EMULATOR.hub().clientSslContext()).build());
        try {
            module.open(false);
            module.subscribeToDesiredProperties((twin, context) -> reporter.submit(() -> {
                TwinCollection reported = new TwinCollection();
                twin.getDesiredProperties().forEach((name, value) -> reported.put(name, Map.of("value", value, "ac", 200,
                        "av", twin.getDesiredProperties().getVersion(), "ad", "applied")));
                module.updateReportedProperties(reported, 10_000);
                return null;
            }), null);

            Run acknowledged = run("--desired", "{\"mode\":\"turbo\"}", "--wait-ack", "30");
            assertEquals(0, acknowledged.exitCode(), acknowledged.toString());
            assertTrue(acknowledged.out().toString().contains("The module acknowledged $version 3."), acknowledged.toString());
        } finally {
            module.close();
            reporter.shutdownNow();
        }
    }

    @Test
    void aChangeBetweenReadAndPatchIsA412AndNothingIsOverwritten() throws Exception {
        UpdateModuleTwin tool = new UpdateModuleTwin();
        tool.betweenReadAndPatch = () -> concurrentWrite("telemetryInterval", 7);
        assertFailure(run(tool), 1, "the module twin changed between reading it and patching it (412 precondition failed");
        assertEquals(7, ((Number) desiredOnTheHub().get("telemetryInterval")).intValue());
    }

    @Test
    void retryOnConflictReReadsAndReApplies() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        UpdateModuleTwin tool = new UpdateModuleTwin();
        tool.betweenReadAndPatch = () -> {
            if (reads.incrementAndGet() == 1) {
                concurrentWrite("setByOther", "yes");
            }
        };
        Run run = run(tool, "--retry-on-conflict", "2", "-o", "json");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.err().toString().contains("The module twin changed after it was read (412): reading it again (retry 1 of 2)"),
                run.toString());
        assertEquals(2, JsonParser.parseString(run.out().toString()).getAsJsonObject().get("attempts").getAsInt());
        Map<String, Object> desired = desiredOnTheHub();
        assertEquals("yes", desired.get("setByOther"));
        assertEquals(122, ((Number) desired.get("telemetryInterval")).intValue());
    }

    @Test
    void retriesRunOutWhenTheTwinKeepsChanging() throws Exception {
        AtomicInteger writes = new AtomicInteger();
        UpdateModuleTwin tool = new UpdateModuleTwin();
        tool.betweenReadAndPatch = () -> concurrentWrite("writes", writes.incrementAndGet());
        assertFailure(run(tool, "--retry-on-conflict", "2"), 1, "pass --retry-on-conflict N");
        assertEquals(3, writes.get());
        assertNull(desiredOnTheHub().get("telemetryInterval"));
    }

    @Test
    void aStaleExplicitEtagIsRefusedAndForceOverridesAChange() throws Exception {
        assertFailure(run("--etag", "AAAAAAAAAAA="), 1, "the module twin's etag is no longer \"AAAAAAAAAAA=\"");

        UpdateModuleTwin tool = new UpdateModuleTwin();
        tool.betweenReadAndPatch = () -> concurrentWrite("telemetryInterval", 7);
        Run forced = run(tool, "--force");
        assertEquals(0, forced.exitCode(), forced.toString());
        assertTrue(forced.out().toString().contains("(If-Match: *)"), forced.toString());
        assertEquals(122, ((Number) desiredOnTheHub().get("telemetryInterval")).intValue());
    }

    @Test
    void anUnknownModuleSaysToCreateItFirst() {
        Run run = Run.of(UpdateModuleTwin.commandLine(new UpdateModuleTwin()),
                service(EMULATOR.hub(), "--device-id", deviceId, "--module-id", "no-such-module"));
        assertFailure(run, 1, "the hub has no module " + deviceId + "/no-such-module (404 not found): create it first with create-module");
    }

}
