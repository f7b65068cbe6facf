package dev.iothub.emulator.internal.store;

import java.nio.file.Path;

/**
 * The child process of {@link MvStoreHubStoreKillTest}: opens the store in {@code args[0]}, puts
 * {@code args[1]} devices and prints {@code ack <n>} after each put returns, then prints {@code done}
 * and holds the store open until killed.
 */
public final class StoreWriter {
    private StoreWriter() {
    }

    public static void main(String[] args) throws Exception {
        HubStore store = MvStoreHubStore.open(Path.of(args[0]));
        int count = Integer.parseInt(args[1]);
        for (int n = 0; n < count; n++) {
            store.put(SampleIdentities.device("device-" + n));
            System.out.println("ack " + n);
            System.out.flush();
        }
        System.out.println("done");
        System.out.flush();
        // waits for the parent to kill it: its stdin never ends while the parent lives
        System.in.read();
    }
}
