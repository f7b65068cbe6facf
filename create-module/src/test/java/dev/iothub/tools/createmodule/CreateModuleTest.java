package dev.iothub.tools.createmodule;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.microsoft.azure.sdk.iot.service.exceptions.IotHubNotFoundException;
import com.microsoft.azure.sdk.iot.service.registry.RegistryClient;
import dev.iothub.emulator.junit.HubEmulatorExtension;
import dev.iothub.tools.common.ModuleConnectionString;
import dev.iothub.tools.common.testing.HubArgs;
import dev.iothub.tools.common.testing.Run;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import static dev.iothub.tools.common.testing.HubArgs.service;
import static dev.iothub.tools.common.testing.HubArgs.withHub;
import static dev.iothub.tools.common.testing.ToolAssertions.BOGUS_KEY;
import static dev.iothub.tools.common.testing.ToolAssertions.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** create-module against hub-emulator over real sockets, run through its picocli entry point. */
class CreateModuleTest {
    @RegisterExtension
    static final HubEmulatorExtension EMULATOR = new HubEmulatorExtension("127.0.0.20");

    static Run run(String... args) {
        return Run.of(CreateModule.commandLine(new CreateModule()), args);
    }

    @Test
    void createsThenOnASecondRunFindsTheSameIdentitiesAndKeys() throws Exception {
        Run first = run(service(EMULATOR.hub(), "--device-id", "twice-device", "--module-id", "twice-module"));
        assertEquals(0, first.exitCode(), first.toString());
        String out = first.out().toString();
        assertTrue(out.contains("Device created: twice-device"), out);
        assertTrue(out.contains("Module created: twice-device/twice-module"), out);

        Run second = run(service(EMULATOR.hub(), "--device-id", "twice-device", "--module-id", "twice-module"));
        assertEquals(0, second.exitCode(), second.toString());
        String again = second.out().toString();
        assertTrue(again.contains("Device exists: twice-device"), again);
        assertTrue(again.contains("Module exists: twice-device/twice-module"), again);
        for (String line : new String[] {"Device primary key: ", "Module primary key: ", "Module connection string: "}) {
            assertEquals(valueAfter(line, out), valueAfter(line, again), line);
        }

        HubArgs.trustForSdk(EMULATOR.hub());
        RegistryClient registry = new RegistryClient(EMULATOR.hub().serviceConnectionString());
        assertEquals(valueAfter("Module primary key: ", out), registry.getModule("twice-device", "twice-module").getPrimaryKey());
        assertEquals(valueAfter("Device primary key: ", out), registry.getDevice("twice-device").getPrimaryKey());
    }

    /** --delete removes what the tutorial made: the module, and its device unless another module is on it. */
    @Test
    void deleteRemovesTheModuleAndTheDeviceItLeavesEmpty() throws Exception {
        assertEquals(0, run(service(EMULATOR.hub(), "--device-id", "del-device", "--module-id", "a")).exitCode());
        assertEquals(0, run(service(EMULATOR.hub(), "--device-id", "del-device", "--module-id", "b")).exitCode());
        RegistryClient registry = new RegistryClient(EMULATOR.hub().serviceConnectionString());

        Run first = run(service(EMULATOR.hub(), "--device-id", "del-device", "--module-id", "a", "--delete"));
        assertEquals(0, first.exitCode(), first.toString());
        assertTrue(first.out().toString().contains("Module deleted: del-device/a"), first.toString());
        assertTrue(first.out().toString().contains("Device kept: del-device (other modules on it: b)"), first.toString());
        assertEquals(1, registry.getModulesOnDevice("del-device").size());

        Run last = run(service(EMULATOR.hub(), "--device-id", "del-device", "--module-id", "b", "--delete", "-o", "json"));
        assertEquals(0, last.exitCode(), last.toString());
        assertEquals("{\"deviceId\":\"del-device\",\"moduleId\":\"b\",\"moduleDeleted\":true,\"deviceDeleted\":true}",
                last.out().toString().strip());
        assertThrows(IotHubNotFoundException.class, () -> registry.getDevice("del-device"));

        Run again = run(service(EMULATOR.hub(), "--device-id", "del-device", "--module-id", "b", "--delete"));
        assertEquals(0, again.exitCode(), again.toString());
        assertTrue(again.out().toString().contains("Module not found (nothing to delete): del-device/b"), again.toString());
    }

    @Test
    void jsonOutputIsOneObjectWithAModuleConnectionStringForTheReceiver() {
        Run first = run(service(EMULATOR.hub(), "--device-id", "json-device", "--module-id", "json-module", "-o", "json"));
        assertEquals(0, first.exitCode(), first.toString());
        assertEquals(1, first.out().toString().strip().lines().count(), first.toString());
        JsonObject created = JsonParser.parseString(first.out().toString()).getAsJsonObject();
        assertEquals("json-device", created.get("deviceId").getAsString());
        assertEquals("json-module", created.get("moduleId").getAsString());
        assertTrue(created.get("deviceCreated").getAsBoolean());
        assertTrue(created.get("moduleCreated").getAsBoolean());
        ModuleConnectionString module = ModuleConnectionString.parse(created.get("moduleConnectionString").getAsString());
        assertEquals(EMULATOR.hub().hostName(), module.hostName());
        assertEquals("json-module", module.moduleId());
        assertTrue(module.text().endsWith("SharedAccessKey=" + created.get("modulePrimaryKey").getAsString()));

        Run second = run(service(EMULATOR.hub(), "--device-id", "json-device", "--module-id", "json-module", "-o", "json"));
        JsonObject found = JsonParser.parseString(second.out().toString()).getAsJsonObject();
        assertFalse(found.get("deviceCreated").getAsBoolean());
        assertFalse(found.get("moduleCreated").getAsBoolean());
        assertEquals(created.get("devicePrimaryKey"), found.get("devicePrimaryKey"));
        assertEquals(created.get("modulePrimaryKey"), found.get("modulePrimaryKey"));
    }

    @Test
    void aWrongKeyIsRefusedWithExit1AndTheKeyIsNeverPrinted() {
        String wrongKey = "HostName=" + EMULATOR.hub().hostName() + ";SharedAccessKeyName=iothubowner;SharedAccessKey=" + BOGUS_KEY;
        assertFailure(run(withHub(wrongKey, EMULATOR.hub())), 1, "the hub refused the request: unauthorized");
        Run verbose = run(withHub(wrongKey, EMULATOR.hub(), "--verbose"));
        assertFailure(verbose, 1, "unauthorized");
        assertTrue(verbose.err().toString().contains("IotHubUnauthorizedException"), "--verbose shows the stack trace\n" + verbose);
    }

    @Test
    void aPolicyWithoutRegistryWriteIsRefused() {
        assertFailure(run(withHub(EMULATOR.hub().connectionString("registryRead"), EMULATOR.hub(), "--device-id", "read-only")),
                1, "unauthorized");
    }

    @Test
    void withoutTheEmulatorsCaTheTlsFailureSaysSoAndSuggestsCaCert() {
        Run run = run("-c", EMULATOR.hub().serviceConnectionString());
        assertFailure(run, 3, "TLS: the certificate of 127.0.0.20:443 is not trusted: no CA the system trusts signed it");
        assertTrue(run.err().toString().contains("--ca-cert FILE"), run.toString());
    }

    /** A --ca-cert that did not sign the hub's certificate is named as such, not asked for again. */
    @Test
    void aCaThatDidNotSignTheHubsCertificateIsNamed(@TempDir Path dir) throws Exception {
        Path otherCa = HubArgs.unrelatedCa("127.0.0.43", dir);
        Run run = run("-c", EMULATOR.hub().serviceConnectionString(), "--ca-cert", otherCa.toString());
        assertFailure(run, 3, "TLS: the certificate of 127.0.0.20:443 is not trusted: the CA in " + otherCa
                + " (--ca-cert) did not sign it, nor did a CA the system trusts; pass the CA that signed it");
    }

    /** az iot hub's spellings: -d, -m, and -l/--login for the hub's connection string. */
    @Test
    void takesTheAzCliShortFormsAndLogin() {
        for (String login : new String[] {"--login", "-l"}) {
            Run run = run("-d", "az-device", "-m", "az-module" + login, login, EMULATOR.hub().serviceConnectionString(),
                    "--ca-cert", EMULATOR.hub().caCertificatePem().toString());
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().toString().contains("Module created: az-device/az-module" + login), run.toString());
        }
    }

    private static String valueAfter(String prefix, String text) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(prefix) + "(.+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(matcher.find(), prefix + " in\n" + text);
        return matcher.group(1);
    }
}
