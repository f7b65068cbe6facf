package dev.iothub.emulator.internal.store;

import java.nio.file.Path;

class InMemoryHubStoreTest extends HubStoreContract {
    @Override
    HubStore open(Path directory) {
        return new InMemoryHubStore();
    }
}
