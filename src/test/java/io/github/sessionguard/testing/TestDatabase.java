package io.github.sessionguard.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database a test server runs on: an H2 file of its own (default), or a PostgreSQL database created for the
 * server and dropped afterwards ({@code -Dsessionguard.it.db=postgres}; on the PostgreSQL {@link MachinePostgres}
 * finds: the machine's, or a Testcontainers one where only Docker is there).
 */
public interface TestDatabase extends AutoCloseable {

    /** The Keycloak server options that point at this database. */
    List<String> serverOptions();

    @Override
    void close();

    static TestDatabase forServer(String name) {
        String kind = TestSettings.get("sessionguard.it.db", "h2");
        return switch (kind) {
            case "h2" -> new H2();
            case "postgres" -> Postgres.create(name);
            default -> throw new IllegalStateException("Unknown sessionguard.it.db '" + kind + "': use h2 or postgres");
        };
    }

    /** H2 in the server's own home (data/h2), as start-dev keeps it. */
    record H2() implements TestDatabase {
        @Override
        public List<String> serverOptions() {
            // Keycloak's own URL for dev-file: among its options DB_CLOSE_ON_EXIT=FALSE, without
            // which H2 closes the database from its own shutdown hook while the server is still stopping.
            return List.of("--db=dev-file");
        }

        @Override
        public void close() {
        }
    }

    /** A database of its own on the machine's PostgreSQL; it fails with a clear message when none answers. */
    final class Postgres implements TestDatabase {

        private final String hostAndPort;
        private final String database;

        private Postgres(String hostAndPort, String database) {
            this.hostAndPort = hostAndPort;
            this.database = database;
        }

        public static Postgres create(String name) {
            return create(MachinePostgres.hostAndPort(), name);
        }

        public static Postgres create(String hostAndPort, String name) {
            String database = databaseName(name);
            Postgres postgres = new Postgres(hostAndPort, database);
            postgres.admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            postgres.admin("CREATE DATABASE " + database);
            return postgres;
        }

        /**
         * The database name a test name becomes. {@code -Dsessionguard.it.dbPrefix} keeps two checkouts that test
         * at once on one PostgreSQL apart.
         */
        public static String databaseName(String name) {
            return TestSettings.get("sessionguard.it.dbPrefix", "sg_it_") + name.replaceAll("[^a-zA-Z0-9]", "_").toLowerCase();
        }

        public String jdbcUrl() {
            return "jdbc:postgresql://" + hostAndPort + "/" + database;
        }

        @Override
        public List<String> serverOptions() {
            return List.of("--db=postgres", "--db-url=" + jdbcUrl(), "--db-username=postgres", "--db-password=postgres");
        }

        @Override
        public void close() {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }

        private void admin(String sql) {
            try (Connection connection = DriverManager.getConnection(
                    "jdbc:postgresql://" + hostAndPort + "/postgres", "postgres", "postgres");
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException("PostgreSQL at " + hostAndPort + " (user postgres) is needed for"
                        + " -Dsessionguard.it.db=postgres and did not answer '" + sql + "': " + e.getMessage()
                        + ". Start PostgreSQL there, or point -Dsessionguard.it.postgres=host:port at one.", e);
            }
        }
    }
}
