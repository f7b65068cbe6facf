package dev.iothub.emulator.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.model.IdentityId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing process with SIGKILL and checks that every write it acknowledged is in the file. */
@Timeout(120)
class MvStoreHubStoreKillTest {
    @TempDir
    Path directory;

    @Test
    void everyAcknowledgedPutSurvivesKillMinus9() throws Exception {
        Process writer = startWriter(1_000_000);
        int acknowledged = 0;
        try (BufferedReader out = reader(writer)) {
            while (acknowledged < 500) {
                String line = out.readLine();
                assertEquals("ack " + acknowledged, line);
                acknowledged++;
            }
        } finally {
            writer.destroyForcibly();
            writer.waitFor();
        }

        try (HubStore store = MvStoreHubStore.open(directory)) {
            for (int n = 0; n < acknowledged; n++) {
                assertTrue(store.find(IdentityId.device("device-" + n)).isPresent(), "device-" + n + " was acknowledged");
            }
            assertEquals(SampleIdentities.stored(SampleIdentities.device("device-0")),
                    SampleIdentities.stored(store.find(IdentityId.device("device-0")).orElseThrow()));
            assertTrue(store.devices(Integer.MAX_VALUE).size() >= acknowledged);
        }
    }

    @Test
    void aStoreInUseByAnotherProcessIsRefusedWithOneLine() throws Exception {
        Process writer = startWriter(1);
        try (BufferedReader out = reader(writer)) {
            assertEquals("ack 0", out.readLine());
            assertEquals("done", out.readLine());

            IOException refused = assertThrows(IOException.class, () -> MvStoreHubStore.open(directory));

            assertEquals(directory.resolve(MvStoreHubStore.FILE_NAME)
                    + " is in use by another hub-emulator (stop it, or choose another --data-dir)", refused.getMessage());
        } finally {
            writer.destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process startWriter(int count) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StoreWriter.class.getName(), directory.toString(), Integer.toString(count))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static BufferedReader reader(Process process) {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }
}
