package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.lang.reflect.Member;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The emulator's public API (every public type outside {@code internal} packages, with its public and protected
 * members) is the checked-in listing {@code api/hub-emulator.api}: a change to the API shows up in review as a
 * change to that file. After changing the API on purpose, run this test with {@code -Dapi.update=true} to write
 * the listing anew.
 */
class PublicApiTest {
    private static final Path LISTING = Path.of("api", "hub-emulator.api");

    @Test
    void thePublicApiIsTheCheckedInListing() throws IOException {
        String actual = listing();
        assertFalse(actual.contains(".internal."), "the public API must not expose internal types:\n" + actual);
        if (Boolean.getBoolean("api.update")) {
            Files.writeString(LISTING, actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(LISTING, StandardCharsets.UTF_8), actual,
                "the public API changed; if on purpose, run PublicApiTest with -Dapi.update=true and commit " + LISTING);
    }

    private static String listing() {
        List<String> lines = new ArrayList<>();
        new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.iothub.emulator").stream()
                .filter(type -> !type.getPackageName().contains(".internal"))
                .map(JavaClass::reflect)
                .filter(PublicApiTest::isVisible)
                .sorted((a, b) -> a.getName().compareTo(b.getName()))
                .forEach(type -> {
                    lines.add(declaration(type));
                    Stream.of(type.getDeclaredConstructors(), type.getDeclaredMethods(), type.getDeclaredFields())
                            .flatMap(Stream::of)
                            .filter(member -> isVisible((Member) member) && !((Member) member).isSynthetic())
                            .map(PublicApiTest::describe)
                            .sorted()
                            .forEach(member -> lines.add("    " + member));
                });
        return String.join("\n", lines) + "\n";
    }

    /** The type's declaration with what it extends and implements, which are part of its API too. */
    private static String declaration(Class<?> type) {
        StringBuilder line = new StringBuilder(type.toGenericString());
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            line.append(" extends ").append(superclass.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        for (int i = 0; i < interfaces.length; i++) {
            line.append(i == 0 ? (type.isInterface() ? " extends " : " implements ") : ", ")
                    .append(interfaces[i].getTypeName());
        }
        return line.toString();
    }

    private static boolean isVisible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isVisible(Member member) {
        return (member.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0;
    }

    private static String describe(Object member) {
        return member instanceof java.lang.reflect.Executable executable
                ? executable.toGenericString()
                : ((java.lang.reflect.Field) member).toGenericString();
    }
}
