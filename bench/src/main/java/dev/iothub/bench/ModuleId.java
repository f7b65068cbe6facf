package dev.iothub.bench;

/** A module the connections benchmark creates, connects and patches. */
record ModuleId(String deviceId, String moduleId) {
    /** Its path in the REST API, and in its SAS token's resource after the host name. */
    String path() {
        return "/devices/" + deviceId + "/modules/" + moduleId;
    }
}
