package dev.iothub.emulator.internal.rest;

import com.fasterxml.jackson.databind.JsonNode;

/** What an API answers: a status, an optional JSON body, and the etag for the {@code ETag} header. */
public record RestResponse(int status, JsonNode body, String etag) {

    public static RestResponse ok(JsonNode body, String etag) {
        return new RestResponse(200, body, etag);
    }

    public static RestResponse noContent() {
        return new RestResponse(204, null, null);
    }
}
