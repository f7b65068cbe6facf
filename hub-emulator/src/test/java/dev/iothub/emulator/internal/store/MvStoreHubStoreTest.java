package dev.iothub.emulator.internal.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iothub.emulator.internal.model.Identity;
import dev.iothub.emulator.internal.model.IdentityId;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MvStoreHubStoreTest extends HubStoreContract {
    @Override
    HubStore open(Path directory) throws IOException {
        return MvStoreHubStore.open(directory);
    }

    private void reopen() throws IOException {
        store.close();
        store = open(directory);
    }

    @Test
    void keepsEverythingAcrossReopening() throws IOException {
        Identity device = SampleIdentities.device("d");
        Identity module = SampleIdentities.module("d", "m");
        Identity edge = SampleIdentities.edgeDevice("edge");
        store.put(device);
        store.put(module);
        store.put(edge);
        store.put(SampleIdentities.device("gone"));
        store.put(SampleIdentities.module("gone", "m"));
        store.putMessage(IdentityId.module("gone", "m"), 1, new byte[] {3});
        store.delete(IdentityId.device("gone"));
        store.putSetting("policies", "keys");
        store.putSession(IdentityId.module("d", "m"), "{\"desired\":1}");
        store.putMessage(IdentityId.module("d", "m"), 7, new byte[] {1, 2});

        reopen();

        assertEquals(stored(device), stored(store.find(IdentityId.device("d"))));
        assertEquals(stored(List.of(module)), stored(store.modules("d")));
        assertEquals(stored(edge), stored(store.find(IdentityId.device("edge"))));
        assertEquals(Optional.empty(), store.find(IdentityId.device("gone")));
        assertEquals(List.of(), store.modules("gone"));
        assertEquals(Optional.of("keys"), store.setting("policies"));
        assertEquals(Optional.of("{\"desired\":1}"), store.session(IdentityId.module("d", "m")));
        assertEquals(2, store.devices(Integer.MAX_VALUE).size());
        assertArrayEquals(new byte[] {1, 2}, store.messages(IdentityId.module("d", "m")).get(7L));
        assertEquals(0, store.messages(IdentityId.module("gone", "m")).size());
    }

    @Test
    void aFileFromBeforeCloudToDeviceMessagesOpensWithItsIdentitiesAndNoMessages() throws IOException {
        store.close();
        Path before = directory.resolve("before");
        Files.createDirectories(before);
        MVStore old = new MVStore.Builder().fileName(before.resolve(MvStoreHubStore.FILE_NAME).toString()).open();
        old.openMap("identities", new MVMap.Builder<String, byte[]>().keyType(StringDataType.INSTANCE)
                .valueType(ByteArrayDataType.INSTANCE)).put("d", IdentityCodec.encode(SampleIdentities.device("d")));
        old.close();

        store = MvStoreHubStore.open(before);

        assertEquals(stored(SampleIdentities.device("d")), stored(store.find(IdentityId.device("d"))));
        assertEquals(0, store.messages(IdentityId.device("d")).size());
        store.putMessage(IdentityId.device("d"), 1, new byte[] {1});
        assertEquals(1, store.messages(IdentityId.device("d")).size());
    }

    @Test
    void concurrentWritesAllLand() throws Exception {
        int threads = 8;
        int perThread = 100;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String prefix = "t" + t + "-";
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        store.put(SampleIdentities.device(prefix + i));
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }

        reopen();

        assertEquals(threads * perThread, store.devices(Integer.MAX_VALUE).size());
        assertEquals(stored(SampleIdentities.device("t7-99")), stored(store.find(IdentityId.device("t7-99"))));
    }

    @Test
    void createsAMissingDirectory() throws IOException {
        Path nested = directory.resolve("a").resolve("b");
        try (HubStore created = MvStoreHubStore.open(nested)) {
            created.putSetting("k", "v");
        }
        assertTrue(Files.isRegularFile(nested.resolve(MvStoreHubStore.FILE_NAME)));
    }

    @Test
    void refusesADamagedFileWithOneLineNamingIt() throws IOException {
        Path other = directory.resolve("damaged");
        Files.createDirectories(other);
        Path file = other.resolve(MvStoreHubStore.FILE_NAME);
        Files.write(file, "not a store at all, just some text that goes on for a while".repeat(200)
                .getBytes(StandardCharsets.UTF_8));

        IOException refused = assertThrows(IOException.class, () -> MvStoreHubStore.open(other));

        assertTrue(refused.getMessage().startsWith(file.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("choose another data directory"), refused.getMessage());
        assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
    }

    /**
     * A store file cut short (a copy that stopped, a disk that filled) is refused, naming the file and what to
     * do, however much is cut: never opened as an empty hub that makes new keys.
     */
    @ParameterizedTest(name = "{0}% cut off")
    @ValueSource(ints = {1, 10, 50, 90})
    void aTruncatedStoreIsRefusedNotOpenedEmpty(int percent) throws IOException {
        for (int i = 0; i < 2000; i++) {
            store.put(SampleIdentities.device("device-" + i));
        }
        store.putSetting("policies", "keys");
        store.close();
        Path file = directory.resolve(MvStoreHubStore.FILE_NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() * (100 - percent) / 100);
        }

        IOException refused = assertThrows(IOException.class, () -> store = MvStoreHubStore.open(directory));

        assertTrue(refused.getMessage().startsWith(file + " is damaged"), refused.getMessage());
        assertTrue(refused.getMessage().contains("choose another data directory"), refused.getMessage());
        assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
        store = MvStoreHubStore.open(directory.resolve("elsewhere")); // for the contract's tear-down
    }

    @Test
    void closingCompactsTheFile() throws IOException {
        for (int i = 0; i < 5_000; i++) {
            store.put(SampleIdentities.device("d-" + (i % 10)));
        }
        store.close();
        long size = Files.size(directory.resolve(MvStoreHubStore.FILE_NAME));
        store = open(directory);

        assertTrue(size < 1024 * 1024, "file is " + size + " bytes");
    }

    /**
     * 300 identities rewritten 20 times, a commit each: the file reuses the space of what each rewrite replaced.
     * With a retention time of 1 s it kept every chunk written in the last second, tens of MiB.
     */
    @Test
    void rewritesReuseTheFileSpace() throws IOException {
        Path file = directory.resolve(MvStoreHubStore.FILE_NAME);
        long largest = 0;
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 300; i++) {
                store.put(SampleIdentities.device("d-" + i));
                largest = Math.max(largest, Files.size(file));
            }
        }
        assertTrue(largest < 4 * 1024 * 1024, "the file reached " + largest + " bytes");
    }

    /** Prints the rate of durable puts from one thread and from eight; timing is not asserted. */
    @Test
    void measuresDurablePutsPerSecond() throws Exception {
        putAll("warm-", 2_000, 1);
        putAll("one-", 10_000, 1);
        putAll("eight-", 10_000, 8);
        assertEquals(22_000, store.devices(Integer.MAX_VALUE).size());
    }

    private void putAll(String prefix, int count, int threads) throws Exception {
        List<Identity> identities = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            identities.add(SampleIdentities.device(prefix + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = System.nanoTime();
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<Identity> share = identities.subList(count * t / threads, count * (t + 1) / threads);
                done.add(pool.submit(() -> share.forEach(store::put)));
            }
            for (Future<?> future : done) {
                future.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("MvStoreHubStore: %d durable puts from %d thread(s) in %.2f s = %.0f puts/s%n",
                    count, threads, seconds, count / seconds);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void keepsEventsAcrossReopening() throws IOException {
        store.appendEvents(3, 7, List.of("a".getBytes(StandardCharsets.UTF_8))).awaitDurable();

        reopen();

        assertEquals(OptionalLong.of(7), store.lastEvent(3));
        assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), store.events(3, 0, 1).get(7L));
    }
}
