package io.github.sessionguard.testing;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A PostgreSQL server of the test's own, for tests that restart the database under a running cluster or read its
 * statistics. From, in this order: the machine's PostgreSQL binaries ({@code /usr/lib/postgresql/<version>/bin});
 * the embedded binaries from Maven Central that are on the test class path ({@link EmbeddedPostgresBinaries}); a
 * Docker container (Testcontainers), where those can't run. {@code -Dsessionguard.it.embeddedPostgres=true} skips
 * the machine's binaries and fails rather than fall back on Docker; {@code -Dsessionguard.it.postgres=docker} goes
 * to Docker at once. With none of them, it fails with a message that says what is missing.
 */
public interface PostgresServer extends AutoCloseable {

    /** Where it listens, on loopback: {@code 127.0.0.1:<port>}. User postgres, trust authentication. */
    String hostAndPort();

    /** Stops the server at once (open connections are cut) and starts it again; returns once it accepts them. */
    void restart();

    /** Stops it and removes its data. */
    @Override
    void close();

    static PostgresServer start() {
        return start(List.of());
    }

    /** Starts a server with extra settings, each {@code name=value} (as {@code postgres -c} takes them). */
    static PostgresServer start(List<String> settings) {
        if (ContainerPostgresServer.requested()) {
            System.out.println("[session-guard tests] a PostgreSQL of the test's own:"
                    + " -Dsessionguard.it.postgres=docker, a Testcontainers PostgreSQL");
            return ContainerPostgresServer.start(settings);
        }
        Optional<Path> machine = LocalPostgresServer.machineBinaries();
        if (machine.isPresent()) {
            LocalPostgresServer server = LocalPostgresServer.start(machine.get(), settings);
            System.out.println("[session-guard tests] a PostgreSQL of the test's own: the machine's binaries, "
                    + server);
            return server;
        }
        return LocalPostgresServer.startEmbedded("a PostgreSQL of the test's own", settings,
                LocalPostgresServer.embeddedForced()
                ? "-D" + LocalPostgresServer.EMBEDDED_PROPERTY + "=true ignores the machine's PostgreSQL binaries"
                : "no PostgreSQL server binaries under /usr/lib/postgresql");
    }
}
