package dev.iothub.tools.common;

/**
 * A checked service connection string: {@code HostName=...;SharedAccessKeyName=...;SharedAccessKey=<key>},
 * the kind a shared access policy such as iothubowner has. {@link #toString()} hides the key.
 */
public record ServiceConnectionString(String text, String hostName, String policyName) {

    public static ServiceConnectionString parse(String text) {
        ConnectionStringFields fields = ConnectionStringFields.parse(text);
        if (fields.has(ConnectionStringFields.DEVICE_ID) || fields.has(ConnectionStringFields.MODULE_ID)) {
            throw new IllegalArgumentException("this is a device or module connection string (it has DeviceId/ModuleId); "
                    + "this tool needs the hub's service connection string of a shared access policy such as iothubowner "
                    + "(HostName=...;SharedAccessKeyName=...;SharedAccessKey=<key>)");
        }
        String host = fields.hostName();
        String policy = fields.required(ConnectionStringFields.KEY_NAME,
                " (this tool needs the connection string of a shared access policy, e.g. SharedAccessKeyName=iothubowner)");
        fields.key();
        return new ServiceConnectionString(text.strip(), host, policy);
    }

    @Override
    public String toString() {
        return "HostName=" + hostName + ";SharedAccessKeyName=" + policyName + ";SharedAccessKey=<redacted>";
    }

    /** picocli converter: a malformed string is a usage error (exit 2) naming the mistake. */
    public static final class Converter extends CheckingConverter<ServiceConnectionString> {
        @Override
        protected ServiceConnectionString parse(String value) {
            return ServiceConnectionString.parse(value);
        }
    }
}
