package io.github.sessionguard.testing;

import java.util.List;

/**
 * A PostgreSQL server of the test's own, for tests that restart the database under a running cluster or read its
 * statistics: from the machine's PostgreSQL binaries when it has them, else in a Docker container (Testcontainers).
 * With neither, it fails with a message that says what is missing.
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
        var binaries = LocalPostgresServer.binaries();
        if (binaries.isPresent()) {
            return LocalPostgresServer.start(binaries.get(), settings);
        }
        if (ContainerPostgresServer.dockerAvailable()) {
            return ContainerPostgresServer.start(settings);
        }
        throw new IllegalStateException("This test starts and restarts a PostgreSQL of its own, and found neither"
                + " PostgreSQL server binaries under /usr/lib/postgresql (Debian: install the postgresql package) nor"
                + " a Docker engine for a Testcontainers PostgreSQL.");
    }
}
