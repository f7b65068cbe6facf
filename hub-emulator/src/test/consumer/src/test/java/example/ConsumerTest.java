package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.junit.HubEmulatorExtension;
import java.net.HttpURLConnection;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConsumerTest {
    @RegisterExtension
    static final HubEmulatorExtension emulator = new HubEmulatorExtension("127.0.0.16");

    @Test
    void theEmulatorServesOverTlsTheExtensionTrusts() throws Exception {
        assertTrue(emulator.hub().deviceConnectionString("d").contains(";DeviceId=d;"));
        HttpURLConnection http = (HttpURLConnection) URI.create("https://127.0.0.16/devices/d?api-version=2021-04-12")
                .toURL().openConnection();
        assertEquals(401, http.getResponseCode(), "served, and refused without a token");
    }
}
