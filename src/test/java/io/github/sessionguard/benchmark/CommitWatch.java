package io.github.sessionguard.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches, from a connection of its own, for a sign-out's outbox rows to be committed: the moment they are durable.
 * The request returns later than that: after its commit, Keycloak still removes the ended sessions from its caches
 * (2 s of a realm sign-out of 10,000 sessions, in the benchmark's JFR recording), and a delivery may begin meanwhile.
 */
final class CommitWatch implements AutoCloseable {

    private static final long EVERY_MILLIS = 20;
    private final CompletableFuture<Moment> committed = new CompletableFuture<>();
    private volatile boolean closed;

    /** When the rows were seen committed, and the CPU then. */
    record Moment(long at, CpuMeter.Sample cpu) {
    }

    private CommitWatch() {
    }

    /** Starts watching for {@code rows} outbox rows of the realm created at or after {@code since}. */
    static CommitWatch start(String jdbcUrl, String realmId, long since, int rows, CpuMeter cpu) {
        CommitWatch watch = new CommitWatch();
        Thread thread = new Thread(() -> watch.watch(jdbcUrl, realmId, since, rows, cpu), "benchmark-commit-watch");
        thread.setDaemon(true);
        thread.start();
        return watch;
    }

    private void watch(String jdbcUrl, String realmId, long since, int rows, CpuMeter cpu) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
                PreparedStatement count = connection.prepareStatement(
                        "select count(*) from sg_logout_outbox where realm_id = ? and created_at >= ?")) {
            count.setString(1, realmId);
            count.setLong(2, since);
            while (!closed) {
                try (ResultSet result = count.executeQuery()) {
                    result.next();
                    if (result.getLong(1) >= rows) {
                        committed.complete(new Moment(System.currentTimeMillis(), cpu.now()));
                        return;
                    }
                }
                Thread.sleep(EVERY_MILLIS);
            }
        } catch (SQLException | RuntimeException e) {
            committed.completeExceptionally(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            committed.completeExceptionally(e);
        }
    }

    /** Waits up to {@code seconds} for the rows; fails if they were not all seen. */
    Moment await(long seconds) {
        try {
            return committed.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("The sign-out's outbox rows were not seen committed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
