package dev.iothub.emulator.internal.service;

/**
 * The hub's REST routes (data plane, api-version 2021-04-12, as its service and device SDKs call them) that
 * the emulator does not serve: each answers 501 naming its feature, so that a client learns at once what is
 * missing rather than meeting a 404 it might take for a missing device.
 */
final class NotEmulated {
    private static final String DEVICE = "/devices/{deviceId}";
    private static final String MODULE = DEVICE + "/modules/{moduleId}";
    private static final String LOCK = "/{lockToken}";

    private NotEmulated() {
    }

    static void addTo(Routes routes) {
        routes.notEmulated("POST", "/devices/query", "queries")
                .notEmulated("GET", "/statistics/devices", "registry statistics")
                .notEmulated("GET", "/statistics/service", "service statistics")
                .notEmulated("POST", "/twins/{deviceId}/methods", "direct methods")
                .notEmulated("POST", "/twins/{deviceId}/modules/{moduleId}/methods", "direct methods")
                .notEmulated("GET", "/configurations", "configurations")
                .notEmulated("GET", "/configurations/{id}", "configurations")
                .notEmulated("PUT", "/configurations/{id}", "configurations")
                .notEmulated("DELETE", "/configurations/{id}", "configurations")
                .notEmulated("POST", "/configurations/testQueries", "configurations")
                .notEmulated("POST", DEVICE + "/applyConfigurationContent", "configurations")
                .notEmulated("POST", "/jobs/create", "import and export jobs")
                .notEmulated("GET", "/jobs", "import and export jobs")
                .notEmulated("GET", "/jobs/{id}", "import and export jobs")
                .notEmulated("DELETE", "/jobs/{id}", "import and export jobs")
                .notEmulated("GET", "/jobs/v2/{id}", "jobs")
                .notEmulated("PUT", "/jobs/v2/{id}", "jobs")
                .notEmulated("POST", "/jobs/v2/{id}/cancel", "jobs")
                .notEmulated("GET", "/jobs/v2/query", "jobs")
                .notEmulated("DELETE", DEVICE + "/commands", "cloud-to-device messages")
                .notEmulated("GET", "/messages/serviceBound/feedback", "cloud-to-device message feedback")
                .notEmulated("DELETE", "/messages/serviceBound/feedback" + LOCK, "cloud-to-device message feedback")
                .notEmulated("POST", "/messages/serviceBound/feedback" + LOCK + "/abandon", "cloud-to-device message feedback")
                .notEmulated("POST", DEVICE + "/messages/events", "device-to-cloud messages over HTTPS")
                .notEmulated("POST", MODULE + "/messages/events", "device-to-cloud messages over HTTPS")
                .notEmulated("GET", DEVICE + "/messages/deviceBound", "cloud-to-device messages")
                .notEmulated("DELETE", DEVICE + "/messages/deviceBound" + LOCK, "cloud-to-device messages")
                .notEmulated("POST", DEVICE + "/messages/deviceBound" + LOCK + "/abandon", "cloud-to-device messages")
                .notEmulated("POST", DEVICE + "/files", "file upload")
                .notEmulated("POST", DEVICE + "/files/notifications", "file upload")
                .notEmulated("POST", DEVICE + "/files/notifications/{correlationId}", "file upload")
                .notEmulated("GET", "/digitaltwins/{id}", "digital twins (IoT Plug and Play)")
                .notEmulated("PATCH", "/digitaltwins/{id}", "digital twins (IoT Plug and Play)")
                .notEmulated("POST", "/digitaltwins/{id}/commands/{commandName}", "digital twins (IoT Plug and Play)")
                .notEmulated("POST", "/digitaltwins/{id}/components/{componentPath}/commands/{commandName}",
                        "digital twins (IoT Plug and Play)");
    }
}
