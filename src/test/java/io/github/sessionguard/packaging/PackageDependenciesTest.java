package io.github.sessionguard.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The product's packages depend on each other in one direction only: no package reaches, through any chain of
 * imports, back to itself. A cycle is where a lower room starts calling into a higher one (a writer calling back
 * into its caller), and what makes a change in one place ripple through others.
 */
class PackageDependenciesTest {

    private static final Path SOURCES = Path.of("src/main/java");
    private static final String ROOT = "io.github.sessionguard";
    private static final Pattern PACKAGE = Pattern.compile("^package (" + Pattern.quote(ROOT) + "[\\w.]*);",
            Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(" + Pattern.quote(ROOT)
            + "[\\w.]*?)\\.[A-Z]", Pattern.MULTILINE);

    @Test
    void noPackageDependsOnItselfThroughOthers() throws IOException {
        Map<String, Set<String>> imports = imports();
        assertThat(imports).as("packages read from " + SOURCES).hasSizeGreaterThan(5);
        List<String> cycles = new ArrayList<>();
        for (String start : new TreeSet<>(imports.keySet())) {
            List<String> path = cycleFrom(start, start, imports, new ArrayList<>(List.of(start)), new HashSet<>());
            if (path != null) {
                cycles.add(String.join(" -> ", path));
            }
        }
        assertThat(cycles).as("import cycles between packages").isEmpty();
    }

    private static List<String> cycleFrom(String start, String at, Map<String, Set<String>> imports,
            List<String> path, Set<String> visited) {
        for (String next : imports.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> cycle = new ArrayList<>(path);
                cycle.add(start);
                return cycle;
            }
            if (visited.add(next)) {
                path.add(next);
                List<String> found = cycleFrom(start, next, imports, path, visited);
                if (found != null) {
                    return found;
                }
                path.remove(path.size() - 1);
            }
        }
        return null;
    }

    /** Each package to the other product packages its sources import. */
    private static Map<String, Set<String>> imports() throws IOException {
        Map<String, Set<String>> imports = new HashMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher declared = PACKAGE.matcher(source);
                if (!declared.find()) {
                    continue;
                }
                String pkg = declared.group(1);
                Set<String> used = imports.computeIfAbsent(pkg, key -> new TreeSet<>());
                Matcher imported = IMPORT.matcher(source);
                while (imported.find()) {
                    if (!imported.group(1).equals(pkg)) {
                        used.add(imported.group(1));
                    }
                }
            }
        }
        return imports;
    }
}
