package io.github.sessionguard.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.TestSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every provided-scope dependency is compiled against the version the Keycloak distribution the tests run ships.
 * Keycloak publishes no SPI BOM for 26.7.3 that Maven Central serves, and importing {@code keycloak-parent} as one
 * moves about forty versions of the test libraries (Selenium's Guava, OpenTelemetry) to Quarkus's, so pom.xml pins
 * these by hand, and this test holds each pin to the jar in the distribution's {@code lib/}. Keycloak's SSF jars are
 * the exception: Maven Central serves them only at an earlier patch release, which may be compiled against only while
 * its classes are the very ones the distribution ships.
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

        List<String> provided = providedDependencies(false);

        assertThat(provided).as("provided dependencies read from pom.xml").hasSizeGreaterThan(5);
        assertThat(provided).as("provided dependencies the distribution ships at that version (" + lib + ")")
                .allSatisfy(jar -> assertThat(shipped).contains(jar));
    }

    @Test
    void theSsfJarsCompiledAgainstHoldTheClassesTheDistributionShips() throws Exception {
        Path lib = Path.of(TestSettings.require("keycloak.dist.dir")).resolve("lib/lib/main");
        Path repository = Path.of(TestSettings.require("maven.repo.local"));
        String ssfVersion = TestSettings.require("keycloak.ssf.version");
        List<String> ssf = providedDependencies(true);

        assertThat(ssf).as("the SSF pins").isNotEmpty();
        for (String jar : ssf) {
            String artifact = jar.substring("org.keycloak.".length(),
                    jar.length() - ("-" + TestSettings.require("keycloak.version") + ".jar").length());
            Path compiled = repository.resolve("org/keycloak").resolve(artifact).resolve(ssfVersion)
                    .resolve(artifact + "-" + ssfVersion + ".jar");
            assertThat(classes(compiled)).as("the classes of %s against those of %s", compiled, jar)
                    .isEqualTo(classes(lib.resolve(jar)));
        }
    }

    /** Every class of the jar with its CRC. */
    private static Map<String, Long> classes(Path jar) throws Exception {
        Map<String, Long> classes = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().filter(entry -> entry.getName().endsWith(".class"))
                    .forEach(entry -> classes.put(entry.getName(), entry.getCrc()));
        }
        return classes;
    }

    /**
     * Each provided dependency as the distribution names its jar: {@code <groupId>.<artifactId>-<version>.jar}, the
     * version being Keycloak's; either those pinned at Keycloak's SSF version, or all the others.
     */
    private static List<String> providedDependencies(boolean ssf) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        String keycloakVersion = TestSettings.require("keycloak.version");
        NodeList dependencies = pom.getElementsByTagName("dependency");
        List<String> jars = new ArrayList<>();
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            String version = text(dependency, "version");
            if ("provided".equals(text(dependency, "scope")) && version.equals("${keycloak.ssf.version}") == ssf) {
                jars.add(text(dependency, "groupId") + "." + text(dependency, "artifactId") + "-"
                        + version.replace("${keycloak.version}", keycloakVersion)
                                .replace("${keycloak.ssf.version}", keycloakVersion) + ".jar");
            }
        }
        return jars;
    }

    private static String text(Element parent, String child) {
        NodeList found = parent.getElementsByTagName(child);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().trim();
    }
}
