package dev.iothub.emulator.internal.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.iothub.emulator.internal.error.HubException;
import dev.iothub.emulator.internal.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * The body of the hub's error responses, in its two forms: the older one its registry answers with,
 * {@code {"Message":"ErrorCode:DeviceNotFound;…","ExceptionMessage":"Tracking ID:…-TimeStamp:MM/dd/yyyy HH:mm:ss"}},
 * and the one its direct methods answer with, a JSON document in {@code Message} and an empty
 * {@code ExceptionMessage} (Azure/iotedge#98, azure-iot-sdk-java#640): the Java service SDK reads the numeric
 * {@code errorCode} (404103, 504101) only from that form.
 */
final class ErrorBody {
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("MM/dd/yyyy HH:mm:ss").withZone(ZoneOffset.UTC);

    private ErrorBody() {
    }

    static ObjectNode of(HubException error, Instant now) {
        ObjectNode body = Json.object();
        body.put("Message", "ErrorCode:" + error.errorCode().name() + ";" + error.getMessage());
        body.put("ExceptionMessage", "Tracking ID:" + trackingId(now));
        return body;
    }

    /**
     * {@code {"Message":"{\"errorCode\":404103,\"trackingId\":…,\"message\":…,\"info\":{…},\"timestampUtc\":…}",
     * "ExceptionMessage":""}}.
     */
    static ObjectNode inMessage(HubException error, Instant now) {
        ObjectNode inner = Json.object();
        inner.put("errorCode", error.errorCode().number());
        inner.put("trackingId", trackingId(now));
        inner.put("message", error.getMessage());
        if (error.info() != null) { // only where the hub's carries it: the .NET SDK reads the others as flat maps
            ObjectNode info = inner.putObject("info");
            error.info().forEach(info::put);
        }
        inner.put("timestampUtc", Json.timestamp(now));
        ObjectNode body = Json.object();
        body.put("Message", inner.toString());
        body.put("ExceptionMessage", "");
        return body;
    }

    private static String trackingId(Instant now) {
        return UUID.randomUUID().toString().replace("-", "") + "-G:0-TimeStamp:" + TIMESTAMP.format(now);
    }
}
