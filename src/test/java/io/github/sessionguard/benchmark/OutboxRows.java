package io.github.sessionguard.benchmark;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Logout notifications written straight into Session Guard's outbox table, as the funnel writes them when sessions
 * end (pending, never tried, the client's URL and settings), so that delivery can be measured without the sign-out
 * that would queue them. Each row has a session and a token id of its own, so the receiver tells every token apart.
 */
final class OutboxRows {

    /** A relying party of the realm the rows are owed to, as its row columns need it. */
    record Client(String realmId, String clientUuid, String clientId, String logoutUrl) {
    }

    private static final String INSERT = "INSERT INTO sg_logout_outbox (id, realm_id, client_id, client_client_id,"
            + " user_id, user_session_id, issuer, logout_url, include_sid, revoke_offline, reason, jti, status,"
            + " attempts, created_at, queued_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, true, false,"
            + " 'logout', ?, 'PENDING', 0, ?, ?, ?)";
    private static final int BATCH = 1_000;

    private OutboxRows() {
    }

    /**
     * Writes {@code perClient} notifications for each client in one transaction, created now and due at
     * {@code dueMillis} (both by Keycloak's clock, which the outbox reads); returns each client's session ids.
     */
    static Map<String, Set<String>> insert(String jdbcUrl, List<Client> clients, int perClient, String userId,
            String issuer, long nowMillis, long dueMillis) {
        Map<String, Set<String>> sessions = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            connection.setAutoCommit(false);
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                int pending = 0;
                for (Client client : clients) {
                    Set<String> sids = new HashSet<>();
                    for (int i = 0; i < perClient; i++) {
                        String sid = UUID.randomUUID().toString();
                        sids.add(sid);
                        insert.setString(1, UUID.randomUUID().toString());
                        insert.setString(2, client.realmId());
                        insert.setString(3, client.clientUuid());
                        insert.setString(4, client.clientId());
                        insert.setString(5, userId);
                        insert.setString(6, sid);
                        insert.setString(7, issuer);
                        insert.setString(8, client.logoutUrl());
                        insert.setString(9, UUID.randomUUID().toString());
                        insert.setLong(10, nowMillis);
                        insert.setLong(11, nowMillis);
                        insert.setLong(12, dueMillis);
                        insert.addBatch();
                        if (++pending == BATCH) {
                            insert.executeBatch();
                            pending = 0;
                        }
                    }
                    sessions.put(client.clientId(), sids);
                }
                insert.executeBatch();
            }
            connection.commit();
            return sessions;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not write the outbox rows: " + e.getMessage(), e);
        }
    }
}
