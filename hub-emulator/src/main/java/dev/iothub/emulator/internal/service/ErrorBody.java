package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The body of the hub's error responses:
 * {@code {"Message":"ErrorCode:DeviceNotFound;…","ExceptionMessage":"Tracking ID:…-TimeStamp:MM/dd/yyyy HH:mm:ss"}}.
 */
final class ErrorBody {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private ErrorBody() {
    }

    static ObjectNode of(HubException error, Instant now) {
        ObjectNode body = Json.object();
        body.put("Message", "ErrorCode:" + error.errorCode().name() + ";" + error.getMessage());
        body.put("ExceptionMessage", "Tracking ID:" + UUID.randomUUID().toString().replace("-", "")
                + "-G:0-TimeStamp:" + TIMESTAMP.format(now));
        return body;
    }
}
