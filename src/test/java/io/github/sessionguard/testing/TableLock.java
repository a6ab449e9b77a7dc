package io.github.sessionguard.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A PostgreSQL table held in SHARE mode by the test: reads go on, every write to it waits until {@link #close()}.
 * It stretches a transaction that writes the table for as long as the test likes, so that two nodes' work that would
 * overlap only by chance overlaps every time.
 */
public final class TableLock implements AutoCloseable {

    private final Connection connection;

    private TableLock(Connection connection) {
        this.connection = connection;
    }

    public static TableLock share(String jdbcUrl, String table) {
        try {
            Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("LOCK TABLE " + table + " IN SHARE MODE");
            }
            return new TableLock(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not lock " + table + " at " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until this many other connections of the database wait for a lock, leaving out those whose statement
     * matches the regular expression (case-insensitive, PostgreSQL's {@code ~*}), then returns how many. A
     * transaction that writes the table at its end shows as a waiting {@code COMMIT}.
     */
    public int awaitWaiting(int count, String ignoredStatementRegex, Duration timeout) {
        try {
            int waiting = Deadline.await(timeout, count + " statements not like '" + ignoredStatementRegex
                            + "' waiting for a lock",
                    () -> waiting(ignoredStatementRegex), found -> found >= count);
            System.out.println("Waiting for a lock: " + waitingStatements());
            return waiting;
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; waiting now: " + waitingStatements(), e);
        }
    }

    private String waitingStatements() {
        try (Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT wait_event, query FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            StringBuilder waiting = new StringBuilder();
            while (result.next()) {
                waiting.append("\n  ").append(result.getString(1)).append(": ").append(result.getString(2));
            }
            return waiting.isEmpty() ? "none" : waiting.toString();
        } catch (SQLException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private int waiting(String ignoredStatementRegex) {
        try (PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND query !~* ?")) {
            query.setString(1, ignoredStatementRegex);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read pg_stat_activity: " + e.getMessage(), e);
        }
    }

    /** Lets the waiting writes go on. */
    @Override
    public void close() {
        try (connection) {
            connection.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not release the table lock: " + e.getMessage(), e);
        }
    }
}
