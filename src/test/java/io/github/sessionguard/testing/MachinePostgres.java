package io.github.sessionguard.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

/**
 * The PostgreSQL that test databases are created on, in this order: the one
 * {@code -Dsessionguard.it.postgres=host:port} names; the machine's at 127.0.0.1:5432 (user postgres, trust auth);
 * one server for the whole test JVM from the embedded binaries on the test class path
 * ({@link EmbeddedPostgresBinaries}); one Testcontainers PostgreSQL, where those can't run and a Docker engine
 * answers. {@code -Dsessionguard.it.embeddedPostgres=true} skips the machine's (and does not fall back on Docker);
 * {@code -Dsessionguard.it.postgres=docker} goes to Docker at once. With none of these it fails and says what is
 * missing.
 */
final class MachinePostgres {

    private static final String DEFAULT = "127.0.0.1:5432";
    /** The server started for this test JVM when the machine's is missing or ignored; stopped when the JVM exits. */
    private static PostgresServer own;
    private static boolean reported;

    private MachinePostgres() {
    }

    static synchronized String hostAndPort() {
        String configured = TestSettings.get("sessionguard.it.postgres", null);
        if (configured != null && !ContainerPostgresServer.requested()) {
            report("-Dsessionguard.it.postgres: the PostgreSQL at " + configured);
            return configured;
        }
        if (own != null) {
            return own.hostAndPort();
        }
        if (ContainerPostgresServer.requested()) {
            System.out.println("[session-guard tests] test databases: -Dsessionguard.it.postgres=docker, a"
                    + " Testcontainers PostgreSQL");
            return startOwn(ContainerPostgresServer.start(List.of()));
        }
        boolean forced = LocalPostgresServer.embeddedForced();
        if (!forced && answers(DEFAULT)) {
            report("the machine's PostgreSQL at " + DEFAULT);
            return DEFAULT;
        }
        return startOwn(LocalPostgresServer.startEmbedded("test databases", List.of(), forced
                ? "-D" + LocalPostgresServer.EMBEDDED_PROPERTY + "=true ignores the machine's PostgreSQL"
                : "no PostgreSQL answered at " + DEFAULT + " (user postgres)"));
    }

    private static String startOwn(PostgresServer server) {
        own = server;
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stop-test-postgres"));
        return server.hostAndPort();
    }

    private static void report(String which) {
        if (!reported) {
            reported = true;
            System.out.println("[session-guard tests] test databases: " + which);
        }
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
