package io.github.sessionguard.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Counts the SQL statements Keycloak runs on its database, from PostgreSQL's {@code pg_stat_statements} (the server
 * is started with it preloaded and utility statements untracked, so BEGIN/COMMIT don't count). Session Guard's share is
 * every statement that names one of its tables.
 */
final class StatementCounter {

    /** Statements executed so far: all of them, and those on Session Guard's tables. */
    record Count(long all, long sessionGuard) {
        Count minus(Count earlier) {
            return new Count(all - earlier.all, sessionGuard - earlier.sessionGuard);
        }
    }

    private static final String SUM = "SELECT coalesce(sum(calls), 0), coalesce(sum(calls) FILTER (WHERE query ILIKE"
            + " '%sg\\_logout\\_outbox%' OR query ILIKE '%sg\\_session\\_participant%'), 0) FROM pg_stat_statements"
            + " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = ?)";

    private final String adminUrl;
    private final String database;

    StatementCounter(String hostAndPort, String database) {
        this.adminUrl = "jdbc:postgresql://" + hostAndPort + "/postgres";
        this.database = database;
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        } catch (SQLException e) {
            throw new IllegalStateException("pg_stat_statements is not available on " + hostAndPort
                    + " (the benchmark counts statements with it; Debian ships it with the postgresql package): "
                    + e.getMessage(), e);
        }
    }

    Count now() {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(SUM)) {
            query.setString(1, database);
            try (ResultSet result = query.executeQuery()) {
                result.next();
                return new Count(result.getLong(1), result.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read pg_stat_statements: " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(adminUrl, "postgres", "postgres");
    }
}
