package dev.iothub.emulator.internal.model;

/**
 * How an identity authenticates: {@code type} is the hub's {@code sas}, {@code selfSigned},
 * {@code certificateAuthority} or {@code none}; keys for sas, thumbprints for selfSigned.
 */
public record Authentication(
        String type,
        String primaryKey,
        String secondaryKey,
        String primaryThumbprint,
        String secondaryThumbprint) {

    public static final String SAS = "sas";

    public static Authentication sas(String primaryKey, String secondaryKey) {
        return new Authentication(SAS, primaryKey, secondaryKey, null, null);
    }

    public boolean isSas() {
        return SAS.equals(type);
    }
}
