package dev.iothub.emulator.internal.methods;

/** A device's answer to a method call: the status it chose, passed on as it is, and its payload as it sent it. */
public record MethodResult(int status, byte[] payload) {
}
