package dev.iothub.emulator.internal.service;

import dev.iothub.emulator.internal.auth.Permission;
import dev.iothub.emulator.internal.auth.ServiceAuthenticator;

/**
 * The hub's REST routes (data plane, api-version 2021-04-12, as its service and device SDKs call them) that
 * the emulator does not serve: each answers 501 naming its feature, so that a client learns at once what is
 * missing rather than meeting a 404 it might take for a missing device. Credentials come first, as on the
 * hub: a service route takes a policy's token that grants the route's permission (401 otherwise, as the
 * served routes answer), a device-side route the device's or module's own (see {@link DeviceCaller}). The
 * hub's docs name RegistryRead for queries; for the others the
 * permission is read from the docs' descriptions of each (the registry's reads and writes, or the service
 * endpoints); where it depends on the body (an import or an export job), the weaker one is asked: a caller
 * let in wrongly meets a 501 that says what is missing, not a 401 that sends it to check its keys.
 */
final class NotEmulated {
    private static final String DEVICE = "/devices/{deviceId}";

    private NotEmulated() {
    }

    static void addTo(Routes routes, ServiceAuthenticator policies, Routes.Caller device) {
        Routes.Caller registryRead = policy(policies, Permission.RegistryRead);
        Routes.Caller registryWrite = policy(policies, Permission.RegistryWrite);
        Routes.Caller service = policy(policies, Permission.ServiceConnect);
        routes.notEmulated("POST", "/devices/query", "queries", registryRead)
                .notEmulated("GET", "/statistics/devices", "registry statistics", registryRead)
                .notEmulated("GET", "/statistics/service", "service statistics", service)
                .notEmulated("GET", "/configurations", "configurations", registryRead)
                .notEmulated("GET", "/configurations/{id}", "configurations", registryRead)
                .notEmulated("PUT", "/configurations/{id}", "configurations", registryWrite)
                .notEmulated("DELETE", "/configurations/{id}", "configurations", registryWrite)
                .notEmulated("POST", "/configurations/testQueries", "configurations", registryRead)
                .notEmulated("POST", DEVICE + "/applyConfigurationContent", "configurations", registryWrite)
                .notEmulated("POST", "/jobs/create", "import and export jobs", registryRead)
                .notEmulated("GET", "/jobs", "import and export jobs", registryRead)
                .notEmulated("GET", "/jobs/{id}", "import and export jobs", registryRead)
                .notEmulated("DELETE", "/jobs/{id}", "import and export jobs", registryRead)
                .notEmulated("GET", "/jobs/v2/{id}", "jobs", service)
                .notEmulated("PUT", "/jobs/v2/{id}", "jobs", service)
                .notEmulated("POST", "/jobs/v2/{id}/cancel", "jobs", service)
                .notEmulated("GET", "/jobs/v2/query", "jobs", service)
                .notEmulated("POST", DEVICE + "/files", "file upload", device)
                .notEmulated("POST", DEVICE + "/files/notifications", "file upload", device)
                .notEmulated("POST", DEVICE + "/files/notifications/{correlationId}", "file upload", device)
                .notEmulated("GET", "/digitaltwins/{id}", "digital twins (IoT Plug and Play)", service)
                .notEmulated("PATCH", "/digitaltwins/{id}", "digital twins (IoT Plug and Play)", service)
                .notEmulated("POST", "/digitaltwins/{id}/commands/{commandName}", "digital twins (IoT Plug and Play)",
                        service)
                .notEmulated("POST", "/digitaltwins/{id}/components/{componentPath}/commands/{commandName}",
                        "digital twins (IoT Plug and Play)", service);
    }

    private static Routes.Caller policy(ServiceAuthenticator policies, Permission needed) {
        return request -> policies.authorize(request.header("Authorization"), request.path(), needed);
    }
}
