package io.github.sessionguard.testing;

/** The system properties Maven (Failsafe) hands the integration tests; see pom.xml. */
public final class TestSettings {

    private TestSettings() {
    }

    public static String require(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("System property '" + name + "' is not set: run the integration tests"
                    + " through Maven ('mvn verify'), which sets it");
        }
        return value;
    }

    public static String get(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
