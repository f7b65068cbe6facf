package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import java.time.Instant;

/**
 * What the service surface answers: a status, an optional JSON body, the etag for the {@code ETag} header,
 * and for an error the hub's code for the {@code iothub-errorcode} header.
 */
public record RestResponse(int status, JsonNode body, String etag, ErrorCode errorCode) {

    public static RestResponse ok(JsonNode body, String etag) {
        return new RestResponse(200, body, etag, null);
    }

    public static RestResponse noContent() {
        return new RestResponse(204, null, null, null);
    }

    /** The hub's answer when it fails itself: 500, ServerError. */
    public static RestResponse internalError(Throwable failure, Instant now) {
        String message = "The hub emulator failed: " + failure.getClass().getSimpleName();
        return error(new HubException(ErrorCode.ServerError, message), now);
    }

    /** As {@link #error}, with the error in the body's {@code Message} as a JSON document, as direct methods answer. */
    public static RestResponse errorInMessage(HubException error, Instant now) {
        return new RestResponse(error.errorCode().status(), ErrorBody.inMessage(error, now), null, error.errorCode());
    }

    /** The hub's answer to a refused request: its status, code and error body. */
    public static RestResponse error(HubException error, Instant now) {
        return new RestResponse(error.errorCode().status(), ErrorBody.of(error, now), null, error.errorCode());
    }
}
