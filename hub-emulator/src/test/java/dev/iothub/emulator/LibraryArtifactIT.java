package dev.iothub.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.jar.JarFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What a project that uses hub-emulator as a library gets from Maven: a pom that stands alone (no parent to
 * find, every version written), no logging backend forced on it, and a plain jar; the runnable jar is apart.
 */
class LibraryArtifactIT {
    private static final Path TARGET = Path.of("target");

    @Test
    void thePomStandsAloneAndLeavesTheLoggingBackendToTheConsumer() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(TARGET.resolve(".flattened-pom.xml").toFile());
        Element project = pom.getDocumentElement();

        assertEquals(0, project.getElementsByTagName("parent").getLength(), "no parent pom to resolve");
        assertEquals("dev.iothub", text(project, "groupId"));
        assertEquals("hub-emulator", text(project, "artifactId"));
        NodeList dependencies = project.getElementsByTagName("dependency");
        assertTrue(dependencies.getLength() > 5);
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String artifact = text(dependency, "artifactId");
            assertFalse(text(dependency, "version").isEmpty(), artifact + " has a version");
            if (artifact.equals("slf4j-simple")) {
                assertEquals("true", text(dependency, "optional"), "slf4j-simple is not forced on consumers");
            }
        }
    }

    @Test
    void theLibraryJarIsPlainAndTheRunnableJarIsApart() throws Exception {
        try (JarFile library = new JarFile(TARGET.resolve("hub-emulator-" + version() + ".jar").toFile())) {
            assertTrue(library.getEntry("dev/iothub/emulator/HubEmulator.class") != null);
            assertTrue(library.stream().noneMatch(entry -> entry.getName().startsWith("io/netty/")),
                    "its dependencies come from Maven, not from inside it");
        }
        try (JarFile runnable = new JarFile(TARGET.resolve("hub-emulator.jar").toFile())) {
            assertEquals(HubEmulatorCommand.class.getName(), runnable.getManifest().getMainAttributes().getValue("Main-Class"));
            assertTrue(runnable.getEntry("io/netty/channel/Channel.class") != null, "it carries everything it needs");
        }
    }

    private static String version() throws Exception {
        return text(DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(TARGET.resolve(".flattened-pom.xml").toFile()).getDocumentElement(), "version");
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
