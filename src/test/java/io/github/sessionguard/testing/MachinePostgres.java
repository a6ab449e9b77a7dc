package io.github.sessionguard.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * The PostgreSQL that test databases are created on: the one {@code -Dsessionguard.it.postgres=host:port} names;
 * else the machine's at 127.0.0.1:5432 (user postgres, trust auth); else, where a Docker engine answers, one
 * Testcontainers PostgreSQL for the whole test run. With none of these it fails and says what is missing.
 */
final class MachinePostgres {

    private static final String DEFAULT = "127.0.0.1:5432";
    /** The container started for this test JVM when the machine has no PostgreSQL; stopped when the JVM exits. */
    private static PostgresServer container;

    private MachinePostgres() {
    }

    static synchronized String hostAndPort() {
        String configured = TestSettings.get("sessionguard.it.postgres", null);
        if (configured != null) {
            return configured;
        }
        if (container != null) {
            return container.hostAndPort();
        }
        if (answers(DEFAULT)) {
            return DEFAULT;
        }
        if (!ContainerPostgresServer.dockerAvailable()) {
            throw new IllegalStateException("No PostgreSQL answered at " + DEFAULT + " (user postgres) and no Docker"
                    + " engine answered for a Testcontainers PostgreSQL. Start PostgreSQL on " + DEFAULT + " with"
                    + " trust authentication for user postgres, point -Dsessionguard.it.postgres=host:port at one, or"
                    + " start Docker.");
        }
        container = ContainerPostgresServer.start(List.of());
        Runtime.getRuntime().addShutdownHook(new Thread(container::close, "stop-postgres-container"));
        return container.hostAndPort();
    }

    private static boolean answers(String hostAndPort) {
        try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://" + hostAndPort
                + "/postgres?connectTimeout=3", "postgres", "postgres")) {
            return true;
        } catch (SQLException notThere) {
            return false;
        }
    }
}
