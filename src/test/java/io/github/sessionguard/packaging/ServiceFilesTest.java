package io.github.sessionguard.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * The jar's {@code META-INF/services} files, which Keycloak reads to find every provider, are kept by hand: each
 * entry names a concrete class of the interface its file is named after, and every concrete factory or SPI of the
 * product is listed. A factory written and not listed would simply never run, with no error anywhere.
 */
class ServiceFilesTest {

    private static final Path CLASSES = Path.of("target/classes");
    private static final Path SERVICES = CLASSES.resolve("META-INF/services");

    @Test
    void everyEntryIsAConcreteClassOfItsFilesInterface() throws Exception {
        for (Map.Entry<String, List<String>> file : serviceFiles().entrySet()) {
            Class<?> service = Class.forName(file.getKey(), false, getClass().getClassLoader());
            for (String entry : file.getValue()) {
                Class<?> provider = Class.forName(entry, false, getClass().getClassLoader());
                assertThat(service.isAssignableFrom(provider)).as(entry + " in " + file.getKey()).isTrue();
                assertThat(Modifier.isAbstract(provider.getModifiers())).as(entry + " is abstract").isFalse();
            }
        }
    }

    @Test
    void everyConcreteFactoryAndSpiIsListed() throws Exception {
        List<String> listed = serviceFiles().values().stream().flatMap(List::stream).toList();
        List<String> missing = new ArrayList<>();
        for (Class<?> type : productClasses()) {
            boolean provider = ProviderFactory.class.isAssignableFrom(type) || Spi.class.isAssignableFrom(type);
            if (provider && !type.isInterface() && !Modifier.isAbstract(type.getModifiers())
                    && !listed.contains(type.getName())) {
                missing.add(type.getName());
            }
        }
        assertThat(missing).as("factories and SPIs in no META-INF/services file").isEmpty();
    }

    private static Map<String, List<String>> serviceFiles() throws IOException {
        Map<String, List<String>> files = new HashMap<>();
        try (Stream<Path> paths = Files.list(SERVICES)) {
            for (Path path : paths.toList()) {
                files.put(path.getFileName().toString(), Files.readAllLines(path).stream().map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList());
            }
        }
        assertThat(files).as("service files under " + SERVICES).isNotEmpty();
        return files;
    }

    private List<Class<?>> productClasses() throws IOException, ClassNotFoundException {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(CLASSES)) {
            for (Path path : paths.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = CLASSES.relativize(path).toString().replace('/', '.').replaceAll("\\.class$", "");
                classes.add(Class.forName(name, false, getClass().getClassLoader()));
            }
        }
        return classes;
    }
}
