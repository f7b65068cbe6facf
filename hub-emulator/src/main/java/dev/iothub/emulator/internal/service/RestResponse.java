package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iothub.emulator.internal.error.ErrorCode;
import dev.iothub.emulator.internal.error.HubException;
import java.time.Instant;
import java.util.Map;

/**
 * What the service surface answers: a status, an optional JSON body (or {@code content}, bytes as they are, such as
 * a cloud-to-device message's body), the etag for the {@code ETag} header, for an error the hub's code for the
 * {@code iothub-errorcode} header, and further headers.
 */
public record RestResponse(int status, JsonNode body, String etag, ErrorCode errorCode, byte[] content,
                           Map<String, String> headers) {

    public RestResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static RestResponse ok(JsonNode body, String etag) {
        return new RestResponse(200, body, etag, null, null, null);
    }

    /** 200 with {@code content} as its body, {@code etag} and {@code headers}. */
    public static RestResponse ok(byte[] content, String etag, Map<String, String> headers) {
        return new RestResponse(200, null, etag, null, content, headers);
    }

    public static RestResponse noContent() {
        return new RestResponse(204, null, null, null, null, null);
    }

    /** The hub's answer when it fails itself: 500, ServerError. */
    public static RestResponse internalError(Throwable failure, Instant now) {
        String message = "The hub emulator failed: " + failure.getClass().getSimpleName();
        return error(new HubException(ErrorCode.ServerError, message), now);
    }

    /** As {@link #error}, with the error in the body's {@code Message} as a JSON document, as direct methods answer. */
    public static RestResponse errorInMessage(HubException error, Instant now) {
        return new RestResponse(error.errorCode().status(), ErrorBody.inMessage(error, now), null, error.errorCode(),
                null, null);
    }

    /** The hub's answer to a refused request: its status, code and error body. */
    public static RestResponse error(HubException error, Instant now) {
        return new RestResponse(error.errorCode().status(), ErrorBody.of(error, now), null, error.errorCode(), null,
                null);
    }
}
