package dev.iothub.emulator.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.model.IdentityId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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

    /**
     * After a clean stop, more writes, then a kill: the file cut short by a few bytes to 5 % either refuses to
     * start, naming the file, the version last committed and the version found, or opens with every write it
     * acknowledged. MVStore alone opened such files at an older chunk, some acknowledged writes gone, without a
     * word: the newest chunks sit at the end of the file, and its header names them only now and then.
     */
    @Test
    void aStoreCutShortAfterAKillNeverOpensWithoutItsAcknowledgedWrites() throws Exception {
        List<String> acknowledgedIds = new ArrayList<>();
        try (HubStore store = MvStoreHubStore.open(directory)) {
            for (int n = 0; n < 200; n++) {
                store.put(SampleIdentities.device("before-" + n));
                acknowledgedIds.add("before-" + n);
            }
        }
        Process writer = startWriter(1_000_000);
        try (BufferedReader out = reader(writer)) {
            for (int n = 0; n < 100; n++) {
                assertEquals("ack " + n, out.readLine());
                acknowledgedIds.add("device-" + n);
            }
        } finally {
            writer.destroyForcibly();
            writer.waitFor();
        }
        long size = Files.size(directory.resolve(MvStoreHubStore.FILE_NAME));

        for (long cut : new long[] {3, size / 200, size / 100, size / 50, size / 20}) {
            Path copy = copyOfTheStore(directory.resolve("cut-" + cut));
            Path file = copy.resolve(MvStoreHubStore.FILE_NAME);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(size - cut);
            }
            List<String> missing = new ArrayList<>();
            try (HubStore store = MvStoreHubStore.open(copy)) {
                for (String id : acknowledgedIds) {
                    if (store.find(IdentityId.device(id)).isEmpty()) {
                        missing.add(id);
                    }
                }
            } catch (IOException refused) {
                String message = refused.getMessage();
                assertTrue(message.matches(Pattern.quote(file.toString())
                        + " is damaged: .*version \\d+ was committed, the file holds \\d+.*choose another data directory"),
                        cut + " bytes cut: " + message);
                assertEquals(1, message.lines().count(), message);
                continue;
            }
            assertEquals(List.of(), missing, cut + " bytes cut: the store opened without acknowledged writes");
        }
    }

    /** The store's files in {@link #directory} copied to {@code target}, as a kill left them. */
    private Path copyOfTheStore(Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(MvStoreHubStore.FILE_NAME))
                    .toList()) {
                Files.copy(file, target.resolve(file.getFileName()));
            }
        }
        return target;
    }

    @Test
    void aStoreInUseByAnotherProcessIsRefusedWithOneLine() throws Exception {
        Process writer = startWriter(1);
        try (BufferedReader out = reader(writer)) {
            assertEquals("ack 0", out.readLine());
            assertEquals("done", out.readLine());

            IOException refused = assertThrows(IOException.class, () -> MvStoreHubStore.open(directory));

            assertEquals(directory.resolve(MvStoreHubStore.FILE_NAME)
                    + " is in use by another hub-emulator (stop it, or choose another data directory)",
                    refused.getMessage());
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
