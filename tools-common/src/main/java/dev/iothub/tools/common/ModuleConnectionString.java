package dev.iothub.tools.common;

/**
 * A checked module connection string: {@code HostName=...;DeviceId=...;ModuleId=...;SharedAccessKey=<key>}
 * (optionally with {@code GatewayHostName=...}), as create-module prints it. {@link #toString()} hides the key.
 */
public record ModuleConnectionString(String text, String hostName, String deviceId, String moduleId,
                                     String gatewayHostName) {

    public static ModuleConnectionString parse(String text) {
        ConnectionStringFields fields = ConnectionStringFields.parse(text);
        if (fields.has(ConnectionStringFields.KEY_NAME)) {
            throw new IllegalArgumentException("this is a service connection string (it has SharedAccessKeyName); "
                    + "this tool needs a module connection string (HostName=...;DeviceId=...;ModuleId=...;SharedAccessKey=<key>), "
                    + "as create-module prints it");
        }
        String host = fields.hostName();
        if (!host.contains(".")) {
            throw new IllegalArgumentException("HostName '" + host + "' has no '.': the device SDK needs a full host name "
                    + "such as myhub.azure-devices.net or an IP address such as 127.0.0.1");
        }
        String device = fields.required(ConnectionStringFields.DEVICE_ID, " (a module connection string names its device)");
        String module = fields.required(ConnectionStringFields.MODULE_ID,
                " (this looks like a device connection string; this tool needs the module's, with ModuleId=...)");
        IdentityIds.check("DeviceId", device);
        IdentityIds.check("ModuleId", module);
        fields.key();
        return new ModuleConnectionString(text.strip(), host, device, module,
                fields.optional(ConnectionStringFields.GATEWAY_HOST_NAME).orElse(null));
    }

    /** The host the device SDK connects to: the gateway (IoT Edge) if there is one, else the hub. */
    public String connectsTo() {
        return gatewayHostName != null ? gatewayHostName : hostName;
    }

    @Override
    public String toString() {
        return "HostName=" + hostName + ";DeviceId=" + deviceId + ";ModuleId=" + moduleId + ";SharedAccessKey=<redacted>";
    }

    /** picocli converter: a malformed string is a usage error (exit 2) naming the mistake. */
    public static final class Converter extends CheckingConverter<ModuleConnectionString> {
        @Override
        protected ModuleConnectionString parse(String value) {
            return ModuleConnectionString.parse(value);
        }
    }
}
