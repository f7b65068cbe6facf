package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/**
 * hub-emulator as another team's build uses it: the project in src/test/consumer, built by Maven against a
 * local repository that holds nothing but hub-emulator's jar and its pom, as installing the module alone puts
 * them there. Everything else (its dependencies, JUnit, the plugins) comes from this build's own repository,
 * or Maven Central for what this build has not; a pom that needed its parent, or a missing dependency version,
 * fails here. The project declares
 * the SDKs before hub-emulator, so their older Jackson and slf4j-api win on its class path, and its test classes
 * use them against the extension at the same time.
 */
class ConsumerBuildIT {
    private static final Path SOURCES = Path.of("src", "test", "consumer");
    private static final Path PROJECT = Path.of("target", "consumer").toAbsolutePath();

    @Test
    void aSeparateBuildUsesTheLibrary() throws Exception {
        String mavenHome = System.getProperty("maven.home");
        String mirror = System.getProperty("consumer.mirror");
        assumeTrue(mavenHome != null && mirror != null, "runs under Maven, which says where it and its repository are");
        String version = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(Path.of("target", ".flattened-pom.xml").toFile()).getElementsByTagName("version").item(0)
                .getTextContent().strip();
        copyProject(version);
        Path installed = PROJECT.resolve("repo").resolve(Path.of("dev", "iothub", "hub-emulator", version));
        Files.createDirectories(installed);
        Files.copy(Path.of("target", "hub-emulator-" + version + ".jar"), installed.resolve("hub-emulator-" + version + ".jar"));
        Files.copy(Path.of("target", ".flattened-pom.xml"), installed.resolve("hub-emulator-" + version + ".pom"));
        Files.writeString(PROJECT.resolve("settings.xml"), settings(Path.of(mirror).toUri().toString()));

        Process maven = new ProcessBuilder(Path.of(mavenHome, "bin", "mvn").toString(), "-B", "-ntp", "-q",
                "-s", "settings.xml", "-Dmaven.repo.local=" + PROJECT.resolve("repo"), "test")
                .directory(PROJECT.toFile()).redirectErrorStream(true).start();
        String output = new String(maven.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(maven.waitFor(5, TimeUnit.MINUTES), "the consumer's build did not end:\n" + output);
        assertEquals(0, maven.exitValue(), "the consumer's build failed:\n" + output);
        // its three test classes wait for one another (example.Together): passing, they ran at the same time
        assertTrue(output.contains("PUT /devices/thermostat/modules/m 200"),
                "the emulator's request log shows through the backend the consumer chose (slf4j-api 1.7):\n" + output);
        assertFalse(output.contains("SLF4J:"), "slf4j found its backend, and one only:\n" + output);
    }

    /**
     * Releases from this build's repository first; what this build never needed, Maven Central: the SDKs' own
     * versions of what this build manages to others (their Jackson 2.14.0-rc1, for one). Snapshots only from the
     * consumer's repository, so that hub-emulator is the one just built.
     */
    private static String settings(String thisBuild) {
        String releasesOnly = "<releases><enabled>true</enabled></releases>"
                + "<snapshots><enabled>false</enabled></snapshots>";
        String repository = "<id>this-build</id><url>" + thisBuild + "</url>" + releasesOnly;
        return "<settings><profiles><profile><id>this-build</id>"
                + "<repositories><repository>" + repository + "</repository></repositories>"
                + "<pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>"
                + "</profile></profiles>"
                + "<activeProfiles><activeProfile>this-build</activeProfile></activeProfiles></settings>";
    }

    /** src/test/consumer into target/consumer, afresh, with hub-emulator's version filled in. */
    private static void copyProject(String version) throws IOException {
        if (Files.exists(PROJECT)) {
            try (Stream<Path> old = Files.walk(PROJECT)) {
                for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path target = PROJECT.resolve(SOURCES.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.writeString(target, Files.readString(file).replace("@HUB_EMULATOR_VERSION@", version));
            }
        }
    }
}
