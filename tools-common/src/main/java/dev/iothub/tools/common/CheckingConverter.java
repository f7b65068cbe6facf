package dev.iothub.tools.common;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A picocli converter around a parse function that throws IllegalArgumentException naming the
 * mistake: picocli shows that message (without the value, which may hold a key) and exits 2.
 */
public abstract class CheckingConverter<T> implements ITypeConverter<T> {
    protected abstract T parse(String value);

    @Override
    public final T convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException mistake) {
            throw new TypeConversionException(mistake.getMessage());
        }
    }
}
