package dev.iothub.emulator.internal.mqtt;

import dev.iothub.emulator.internal.cloudtodevice.Acknowledgement;
import dev.iothub.emulator.internal.cloudtodevice.CloudToDeviceMessage;
import dev.iothub.emulator.internal.model.IdentityId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The topic the hub delivers a cloud-to-device message on: {@code devices/{d}[/modules/{m}]/messages/devicebound/}
 * and the message's property bag, system properties first ({@code %24.mid}, {@code %24.cid}, {@code %24.uid},
 * {@code %24.to}, {@code %24.exp}, {@code %24.ct}, {@code %24.ce}, then {@code iothub-ack}), then the application
 * properties. The SDKs' readers set the rules: the Java SDK reads the bag from the first {@code %24}, so
 * {@code %24.to} is always there; the Node and Python SDKs split the topic on '/', so every '/' in the bag is
 * escaped; Java's URLDecoder reads '+' as a space and Node's decodeURIComponent does not, so every character but
 * the unreserved ones is percent-encoded.
 */
final class CloudToDeviceTopics {
    private CloudToDeviceTopics() {
    }

    static String subscription(IdentityId id) {
        return TwinTopics.prefixOf(id) + "messages/devicebound/#";
    }

    static String topic(IdentityId id, CloudToDeviceMessage message) {
        StringBuilder bag = new StringBuilder();
        add(bag, "$.mid", message.messageId());
        add(bag, "$.cid", message.correlationId());
        add(bag, "$.uid", message.userId());
        add(bag, "$.to", message.to());
        add(bag, "$.exp", message.expiry().toString());
        add(bag, "$.ct", message.contentType());
        add(bag, "$.ce", message.contentEncoding());
        if (message.ack() != Acknowledgement.NONE) {
            add(bag, "iothub-ack", message.ack().word());
        }
        message.properties().forEach((name, value) -> add(bag, name, value));
        return TwinTopics.prefixOf(id) + "messages/devicebound/" + bag;
    }

    /** A pair; an absent or empty value is left out, as readers fail on a pair without one (Java). */
    private static void add(StringBuilder bag, String name, String value) {
        if (value == null || value.isEmpty()) {
            return;
        }
        if (!bag.isEmpty()) {
            bag.append('&');
        }
        bag.append(encoded(name)).append('=').append(encoded(value));
    }

    /** RFC 3986's percent-encoding: URLEncoder's, with a space, {@code *} and {@code ~} as RFC 3986 writes them. */
    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                .replace("%7E", "~");
    }
}
