package io.github.sessionguard.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every provided-scope dependency is compiled against the version the Keycloak distribution the tests run ships.
 * Keycloak publishes no SPI BOM for 26.7.3 that Maven Central serves, and importing {@code keycloak-parent} as one
 * moves about forty versions of the test libraries (Selenium's Guava, OpenTelemetry) to Quarkus's, so pom.xml pins
 * these by hand, and this test holds each pin to the jar in the distribution's {@code lib/}.
 */
class ProvidedVersionsIT {

    @Test
    void everyProvidedDependencyIsTheVersionTheDistributionShips() throws Exception {
        Path lib = Path.of(TestSettings.require("keycloak.dist.dir")).resolve("lib/lib");
        Set<String> shipped = new TreeSet<>();
        for (String folder : List.of("main", "boot")) {
            try (Stream<Path> jars = Files.list(lib.resolve(folder))) {
                jars.forEach(jar -> shipped.add(jar.getFileName().toString()));
            }
        }

        List<String> provided = providedDependencies();

        assertThat(provided).as("provided dependencies read from pom.xml").hasSizeGreaterThan(5);
        assertThat(provided).as("provided dependencies the distribution ships at that version (" + lib + ")")
                .allSatisfy(jar -> assertThat(shipped).contains(jar));
    }

    /** Each provided dependency as the distribution names its jar: {@code <groupId>.<artifactId>-<version>.jar}. */
    private static List<String> providedDependencies() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        String keycloakVersion = TestSettings.require("keycloak.version");
        NodeList dependencies = pom.getElementsByTagName("dependency");
        List<String> jars = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if ("provided".equals(text(dependency, "scope"))) {
                jars.add(text(dependency, "groupId") + "." + text(dependency, "artifactId") + "-"
                        + text(dependency, "version").replace("${keycloak.version}", keycloakVersion) + ".jar");
            }
        }
        return jars;
    }

    private static String text(Element parent, String child) {
        NodeList found = parent.getElementsByTagName(child);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }
}
