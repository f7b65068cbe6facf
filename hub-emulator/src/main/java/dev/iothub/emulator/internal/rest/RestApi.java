package dev.iothub.emulator.internal.rest;

/** One surface of the hub's REST API, such as the identity registry or twins. */
public interface RestApi {

    /** Whether this API serves the path; the first segment is enough to tell. */
    boolean serves(RestRequest request);

    /** Answers the request, or throws {@link dev.iothub.emulator.internal.error.HubException} with the hub's error. */
    RestResponse handle(RestRequest request);
}
