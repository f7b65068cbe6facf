package dev.iothub.tools.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionStringTest {
    static final String KEY = "c2VjcmV0LWtleS1ub2JvZHktc2hvdWxkLWV2ZXItc2VlLTAx";

    @Test
    void serviceConnectionStringKeepsHostAndPolicyAndHidesTheKey() {
        ServiceConnectionString parsed = ServiceConnectionString.parse(
                "HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY);
        assertEquals("hub.azure-devices.net", parsed.hostName());
        assertEquals("iothubowner", parsed.policyName());
        assertFalse(parsed.toString().contains(KEY), parsed.toString());
    }

    @Test
    void moduleConnectionStringKeepsIdsAndHidesTheKey() {
        ModuleConnectionString parsed = ModuleConnectionString.parse(
                "HostName=127.0.0.1;DeviceId=d-1;ModuleId=m:1;SharedAccessKey=" + KEY);
        assertEquals("d-1", parsed.deviceId());
        assertEquals("m:1", parsed.moduleId());
        assertFalse(parsed.toString().contains(KEY));
    }

    @Test
    void eachMistakeIsNamedWithoutTheKey() {
        assertMistake("no HostName", () -> ServiceConnectionString.parse("SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY));
        assertMistake("not a valid base64", () -> ServiceConnectionString.parse(
                "HostName=h.net;SharedAccessKeyName=iothubowner;SharedAccessKey=not*base64!" + KEY));
        assertMistake("device or module connection string", () -> ServiceConnectionString.parse(
                "HostName=h.net;DeviceId=d;ModuleId=m;SharedAccessKey=" + KEY));
        assertMistake("no SharedAccessKeyName", () -> ServiceConnectionString.parse("HostName=h.net;SharedAccessKey=" + KEY));
        assertMistake("not a host name", () -> ServiceConnectionString.parse(
                "HostName=h.net:8443;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY));
        assertMistake("Name=value", () -> ServiceConnectionString.parse("just some text " + KEY));
        assertMistake("empty", () -> ServiceConnectionString.parse("  "));
        assertMistake("service connection string", () -> ModuleConnectionString.parse(
                "HostName=h.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY));
        assertMistake("device connection string", () -> ModuleConnectionString.parse(
                "HostName=h.net;DeviceId=d;SharedAccessKey=" + KEY));
        assertMistake("has no '.'", () -> ModuleConnectionString.parse(
                "HostName=localhost;DeviceId=d;ModuleId=m;SharedAccessKey=" + KEY));
        assertMistake("not a valid IoT Hub id", () -> ModuleConnectionString.parse(
                "HostName=h.net;DeviceId=a/b;ModuleId=m;SharedAccessKey=" + KEY));
        assertMistake("no SharedAccessKey", () -> ModuleConnectionString.parse("HostName=h.net;DeviceId=d;ModuleId=m"));
    }

    @Test
    void identityIdsFollowTheHubsRules() {
        assertEquals("a-Z.0+%_#*?!(),:=@$'", IdentityIds.check("id", "a-Z.0+%_#*?!(),:=@$'"));
        assertEquals("x".repeat(128), IdentityIds.check("id", "x".repeat(128)));
        assertMistake("at most 128", () -> IdentityIds.check("id", "x".repeat(129)));
        assertMistake("not a valid IoT Hub id", () -> IdentityIds.check("id", "my device"));
        assertMistake("not a valid IoT Hub id", () -> IdentityIds.check("id", "caf\u00e9"));
        assertMistake("empty", () -> IdentityIds.check("id", ""));
    }

    /** In a URL's path, of the hub's characters only these three mean something else; '+' is itself there. */
    @Test
    void idsInUrlPathsEscapePercentHashAndQuestionMark() {
        assertEquals("a%23b%3Fc%25d+e(!)", IdentityIds.forUrlPath("a#b?c%d+e(!)"));
    }

    @Test
    void redactionRemovesRegisteredKeysAndAnythingShapedLikeOne() {
        ServiceConnectionString.parse("HostName=h.net;SharedAccessKeyName=iothubowner;SharedAccessKey=" + KEY);
        String redacted = Secrets.redact("failed with " + KEY + " and SharedAccessKey=abc; token sig=xyz%2B&se=1");
        assertFalse(redacted.contains(KEY), redacted);
        assertFalse(redacted.contains("abc"), redacted);
        assertFalse(redacted.contains("xyz"), redacted);
        assertTrue(redacted.contains("se=1"), redacted);
    }

    private static void assertMistake(String expected, org.junit.jupiter.api.function.Executable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains(KEY), e.getMessage());
    }
}
