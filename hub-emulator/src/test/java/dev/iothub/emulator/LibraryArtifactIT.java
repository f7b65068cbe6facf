package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a project that uses hub-emulator as a library gets from Maven: a pom that stands alone (no parent to
 * find, every version written) and declares only what is not inside the jar, that is slf4j-api (the consumer
 * picks its backend) and JUnit's API (provided); a jar whose dependencies are inside it, relocated under
 * dev.iothub.emulator.shaded, so that whatever versions the consumer's class path holds, none meets them. The
 * runnable jar is apart.
 */
class LibraryArtifactIT {
    private static final Path TARGET = Path.of("target");
    private static final String OURS = "dev/iothub/emulator/";

    @Test
    void thePomStandsAloneAndDeclaresOnlyWhatIsNotInsideTheJar() throws Exception {
        Element project = pom();
        assertEquals(0, project.getElementsByTagName("parent").getLength(), "no parent pom to resolve");
        assertEquals("dev.iothub", text(project, "groupId"));
        assertEquals("hub-emulator", text(project, "artifactId"));

        List<String> bundled = bundledArtifacts();
        assertTrue(bundled.containsAll(List.of("io.netty:netty-handler", "com.fasterxml.jackson.core:jackson-databind",
                "org.apache.qpid:proton-j")), "inside the jar: " + bundled);
        List<String> inherited = new ArrayList<>();
        NodeList dependencies = project.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String coordinates = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
            assertFalse(text(dependency, "version").isEmpty(), coordinates + " has a version");
            assertFalse(bundled.contains(coordinates), coordinates + " is inside the jar, and not to be declared");
            String scope = text(dependency, "scope");
            boolean passedOn = scope.isEmpty() || scope.equals("compile") || scope.equals("runtime");
            if (passedOn && !text(dependency, "optional").equals("true")) {
                inherited.add(coordinates);
            }
            if (coordinates.equals("org.junit.jupiter:junit-jupiter-api")) {
                assertEquals("provided", scope, "the extension uses the consumer's JUnit");
            }
        }
        assertEquals(List.of("org.slf4j:slf4j-api"), inherited, "what a consumer's class path gets from the pom");
    }

    @Test
    void theLibraryJarCarriesItsDependenciesRelocated() throws Exception {
        try (JarFile library = new JarFile(TARGET.resolve("hub-emulator-" + version() + ".jar").toFile())) {
            List<String> classes = library.stream().map(JarEntry::getName)
                    .filter(name -> name.endsWith(".class")).toList();
            List<String> unrelocated = classes.stream()
                    .map(LibraryArtifactIT::withoutVersion)
                    .filter(name -> !name.startsWith(OURS) && !name.equals("module-info.class"))
                    .toList();
            assertEquals(List.of(), unrelocated.subList(0, Math.min(10, unrelocated.size())),
                    unrelocated.size() + " classes outside dev.iothub.emulator, where a consumer's would meet them");
            assertTrue(classes.contains(OURS + "HubEmulator.class"));
            assertTrue(classes.contains(OURS + "shaded/io/netty/channel/Channel.class"), "Netty inside, relocated");

            // bcprov and jackson-core are multi-release jars: their versioned classes moved with their paths
            assertEquals("true", library.getManifest().getMainAttributes().getValue(Attributes.Name.MULTI_RELEASE));
            String versionedBouncyCastle = "META-INF/versions/\\d+/" + OURS + "shaded/org/bouncycastle/.*";
            assertTrue(classes.stream().anyMatch(name -> name.matches(versionedBouncyCastle)),
                    "BouncyCastle's versioned classes, relocated");

            // a services file is named after its interface and lists its implementations: both relocated when bundled
            List<String> services = library.stream().map(JarEntry::getName)
                    .filter(name -> name.startsWith("META-INF/services/") && !name.endsWith("/")).toList();
            String jacksonFactories = "META-INF/services/dev.iothub.emulator.shaded."
                    + "com.fasterxml.jackson.core.JsonFactory";
            assertTrue(services.contains(jacksonFactories), services.toString());
            for (String service : services) {
                String contract = service.substring("META-INF/services/".length());
                assertTrue(contract.startsWith("dev.iothub.emulator.")
                        || classes.stream().noneMatch(name -> name.endsWith("/" + classFile(contract))),
                        service + " names a bundled interface it does not carry");
                for (String provider : providers(library, service)) {
                    assertTrue(classes.contains(classFile(provider)), service + " lists " + provider + ", not inside");
                }
            }
            // these name Netty's classes unrelocated, so would speak for a consumer's own Netty
            assertTrue(library.stream().noneMatch(entry -> entry.getName().startsWith("META-INF/native-image/")));
        }
    }

    @Test
    void theRunnableJarIsApartAndCarriesEverything() throws Exception {
        try (JarFile runnable = new JarFile(TARGET.resolve("hub-emulator.jar").toFile())) {
            assertEquals(HubEmulatorCommand.class.getName(),
                    runnable.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(runnable.getEntry("io/netty/channel/Channel.class"), "it carries everything it needs");
            assertNotNull(runnable.getEntry("org/slf4j/simple/SimpleLogger.class"), "and the backend of its log");
        }
    }

    /**
     * The group:artifact of every library inside the jar: those whose Maven descriptor it holds, besides
     * hub-emulator's own, and those that bring none (BouncyCastle, MVStore, picocli).
     */
    private static List<String> bundledArtifacts() throws Exception {
        List<String> bundled = new ArrayList<>(List.of("org.bouncycastle:bcprov-jdk18on",
                "org.bouncycastle:bcpkix-jdk18on", "org.bouncycastle:bcutil-jdk18on", "com.h2database:h2-mvstore",
                "info.picocli:picocli"));
        try (JarFile library = new JarFile(TARGET.resolve("hub-emulator-" + version() + ".jar").toFile())) {
            List<JarEntry> descriptors = library.stream()
                    .filter(entry -> entry.getName().matches("META-INF/maven/.+/pom\\.properties")).toList();
            for (JarEntry entry : descriptors) {
                Properties descriptor = new Properties();
                try (InputStream in = library.getInputStream(entry)) {
                    descriptor.load(in);
                }
                bundled.add(descriptor.getProperty("groupId") + ":" + descriptor.getProperty("artifactId"));
            }
        }
        bundled.remove("dev.iothub:hub-emulator");
        return bundled;
    }

    private static List<String> providers(JarFile jar, String service) throws IOException {
        try (InputStream in = jar.getInputStream(jar.getEntry(service))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty()).toList();
        }
    }

    private static String classFile(String className) {
        return className.replace('.', '/') + ".class";
    }

    private static String withoutVersion(String entry) {
        return entry.replaceFirst("^META-INF/versions/\\d+/", "");
    }

    /** The pom that installing the module puts beside its jar. */
    private static Element pom() throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(TARGET.resolve(".flattened-pom.xml").toFile()).getDocumentElement();
    }

    private static String version() throws Exception {
        return text(pom(), "version");
    }

    /** The text of {@code parent}'s own child {@code name}, or "" if it has none. */
    private static String text(Element parent, String name) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().strip();
            }
        }
        return "";
    }
}
