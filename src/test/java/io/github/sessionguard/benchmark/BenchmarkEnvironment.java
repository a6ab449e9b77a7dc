package io.github.sessionguard.benchmark;

import io.github.sessionguard.testing.DistributionKeycloakServer;
import io.github.sessionguard.testing.FreePorts;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.PostgresServer;
import io.github.sessionguard.testing.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark run measures against: a PostgreSQL of its own with {@code pg_stat_statements} (so statements can
 * be counted), and the Keycloak distribution with the provider on it, logging at INFO as a production server would.
 * Everything is stopped on close, also when a scenario fails.
 */
final class BenchmarkEnvironment implements AutoCloseable {

    private static final String DATABASE = "bench";
    /** Session Guard's defaults, as operators run it: the expiry scan every 15 s, not the tests' shorter interval. */
    private static final List<String> SERVER_OPTIONS = List.of("--log-level=INFO",
            KeycloakServer.EXPIRY_SCAN_INTERVAL_OPTION + "=15");

    private final PostgresServer postgres;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private DistributionKeycloakServer server;
    private TestDatabase.Postgres database;
    private StatementCounter statements;
    private CpuMeter cpu;
    private Profiler profiler;

    private BenchmarkEnvironment(PostgresServer postgres) {
        this.postgres = postgres;
    }

    static BenchmarkEnvironment start(BenchmarkScale scale) {
        BenchmarkEnvironment environment = new BenchmarkEnvironment(PostgresServer.start(List.of(
                "shared_preload_libraries=pg_stat_statements", "pg_stat_statements.track_utility=off",
                "pg_stat_statements.max=10000")));
        try {
            environment.database = environment.database(DATABASE);
            environment.server = DistributionKeycloakServer.start("start-dev", FreePorts.next(),
                    environment.database, SERVER_OPTIONS, Map.of());
            environment.toClose.add(environment.server);
            environment.statements = new StatementCounter(environment.postgres.hostAndPort(),
                    TestDatabase.Postgres.databaseName(DATABASE));
            environment.cpu = new CpuMeter(environment.server.serverJvm(), environment.database.jdbcUrl());
            environment.profiler = scale.profile() ? Profiler.flightRecorder(environment.server.serverJvm(),
                    Path.of("target", "benchmarks", "jfr")) : Profiler.none();
            return environment;
        } catch (RuntimeException | Error e) {
            environment.close();
            throw e;
        }
    }

    KeycloakServer server() {
        return server;
    }

    StatementCounter statements() {
        return statements;
    }

    CpuMeter cpu() {
        return cpu;
    }

    /** The server's database, for what the benchmark writes there itself (the delivery-only measures' rows). */
    String jdbcUrl() {
        return database.jdbcUrl();
    }

    Profiler profiler() {
        return profiler;
    }

    /** A second server on the same PostgreSQL with the outbox switched off: Keycloak's own synchronous sender. */
    KeycloakServer startStockSender() {
        List<String> options = new ArrayList<>(SERVER_OPTIONS);
        options.add("--spi-session-guard-outbox--default--enabled=false");
        DistributionKeycloakServer stock = DistributionKeycloakServer.start("start-dev", FreePorts.next(),
                database("bench-stock"), options, Map.of());
        toClose.add(stock);
        return stock;
    }

    private TestDatabase.Postgres database(String name) {
        return TestDatabase.Postgres.create(postgres.hostAndPort(), name);
    }

    @Override
    public void close() {
        try {
            for (AutoCloseable closeable : toClose) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.err.println("Could not stop " + closeable + ": " + e.getMessage());
                }
            }
        } finally {
            postgres.close();
        }
    }
}
