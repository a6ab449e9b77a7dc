package io.github.sessionguard.logout.outbox;

import jakarta.persistence.EntityManager;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.connections.jpa.util.JpaUtils;
import org.keycloak.models.KeycloakSession;

/**
 * The outbox table. Rows are added in the caller's transaction, claimed by one node at a time with a lease (two
 * statements that any database runs the same way), and every outcome is recorded against the claim it was tried
 * under. It hands out {@link Notification} values, never managed entities.
 *
 * <p>Rows are added with JDBC batch inserts, not {@code persist}: a mass sign-out adds thousands in one transaction,
 * and thousands of managed entities would make every later query of that transaction (Keycloak runs one per session it
 * removes) dirty-check them all, a cost that grows with the square of the sessions.
 */
public final class OutboxStore {

    /** Longest stored error text; the column holds 1024. */
    static final int MAX_ERROR_LENGTH = 1000;

    private final EntityManager em;

    public OutboxStore(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    private String table() {
        return JpaUtils.getTableNameForNativeQuery("SG_LOGOUT_OUTBOX", em);
    }

    /** Rows one batch statement inserts: a page of a realm sign-out. */
    static final int INSERT_BATCH = 500;
    private static final String INSERT_COLUMNS = "ID, REALM_ID, CLIENT_ID, CLIENT_CLIENT_ID, USER_ID, USER_SESSION_ID,"
            + " ISSUER, LOGOUT_URL, INCLUDE_SID, REVOKE_OFFLINE, REASON, JTI, STATUS, ATTEMPTS, CREATED_AT, QUEUED_AT,"
            + " NEXT_ATTEMPT_AT";

    /**
     * Inserts the rows in JDBC batches on the caller's connection and transaction: thousands of notifications (a realm
     * sign-out) cost a few round trips instead of one each. Only the outbox's writer calls this, for what the funnel
     * queued.
     */
    public void addAll(List<Notification> notifications) {
        if (notifications.isEmpty()) {
            return;
        }
        String sql = "insert into " + table() + " (" + INSERT_COLUMNS
                + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        em.runWithConnection((Connection connection) -> {
            try (PreparedStatement insert = connection.prepareStatement(sql)) {
                int pending = 0;
                for (Notification n : notifications) {
                    bind(insert, n);
                    insert.addBatch();
                    if (++pending == INSERT_BATCH) {
                        insert.executeBatch();
                        pending = 0;
                    }
                }
                if (pending > 0) {
                    insert.executeBatch();
                }
            }
        });
    }

    private static void bind(PreparedStatement insert, Notification n) throws SQLException {
        insert.setString(1, n.id());
        insert.setString(2, n.realmId());
        insert.setString(3, n.clientUuid());
        insert.setString(4, n.clientId());
        insert.setString(5, n.userId());
        insert.setString(6, n.userSessionId());
        insert.setString(7, n.issuer());
        insert.setString(8, n.logoutUrl());
        insert.setBoolean(9, n.includeSid());
        insert.setBoolean(10, n.revokeOfflineTokens());
        insert.setString(11, n.reason().detail());
        insert.setString(12, n.jti());
        insert.setString(13, n.status().name());
        insert.setInt(14, n.attempts());
        insert.setLong(15, n.createdAt());
        insert.setLong(16, n.queuedAt());
        insert.setLong(17, n.nextAttemptAt());
    }

    /** A due notification as a poll weighs it: its client decides whether this node takes it now. */
    public record Due(String id, String clientUuid) {
    }

    /**
     * Up to {@code limit} due notifications nobody holds, the longest due first, leaving out the clients given (this
     * node can't send to them now). Nothing is claimed: the caller chooses, then {@link #claim}s.
     */
    public List<Due> due(long now, int limit, Collection<String> busyClientUuids) {
        if (limit <= 0) {
            return List.of();
        }
        List<?> rows = em.createNativeQuery("select ID, CLIENT_ID from " + table()
                        + " where STATUS = 'PENDING' and NEXT_ATTEMPT_AT <= :now"
                        + " and (CLAIMED_UNTIL is null or CLAIMED_UNTIL < :now) and CLIENT_ID not in (:busy)"
                        + " order by NEXT_ATTEMPT_AT")
                .setParameter("now", now)
                .setParameter("busy", busyClientUuids.isEmpty() ? List.of("") : busyClientUuids)
                .setMaxResults(limit).getResultList();
        return rows.stream().map(Object[].class::cast).map(row -> new Due((String) row[0], (String) row[1])).toList();
    }

    /**
     * Claims the given notifications for this caller until {@code leaseUntil}, those still due and unclaimed (of two
     * nodes racing for a row, the database lets one update it); returns what the caller now holds.
     */
    public List<Notification> claim(List<String> ids, long now, long leaseUntil) {
        if (ids.isEmpty()) {
            return List.of();
        }
        String token = UUID.randomUUID().toString();
        em.createNativeQuery("update " + table() + " set CLAIM_TOKEN = :token, CLAIMED_UNTIL = :until"
                        + " where ID in (:ids) and STATUS = 'PENDING' and NEXT_ATTEMPT_AT <= :now"
                        + " and (CLAIMED_UNTIL is null or CLAIMED_UNTIL < :now)")
                .setParameter("token", token).setParameter("until", leaseUntil).setParameter("ids", ids)
                .setParameter("now", now).executeUpdate();
        // By id (the primary key), not by claim token: that column has no index, so that a claim is cheap to write.
        List<?> claimed = em.createNativeQuery("select * from " + table()
                        + " where ID in (:ids) and CLAIM_TOKEN = :token order by NEXT_ATTEMPT_AT",
                        LogoutNotificationEntity.class)
                .setParameter("ids", ids).setParameter("token", token).getResultList();
        return claimed.stream().map(row -> Notification.of((LogoutNotificationEntity) row)).toList();
    }

    /**
     * Gives claimed notifications back untried, for any node to claim again at once; each only if its claim still
     * holds (one statement per claim).
     */
    public void release(List<Notification> claimed) {
        claimed.stream().collect(Collectors.groupingBy(Notification::claimToken,
                        Collectors.mapping(Notification::id, Collectors.toList())))
                .forEach((token, ids) -> em.createNamedQuery("sgReleaseClaim").setParameter("ids", ids)
                        .setParameter("token", token).executeUpdate());
    }

    /**
     * What a try of a claimed notification came to, to record.
     *
     * @param url           where the try went (the client's URL when it was sent); unused for a skip
     * @param nextAttemptAt when to try again; only for {@link AttemptOutcome#RETRY}
     */
    public record Outcome(Notification claimed, LogoutAttempt attempt, String url, long nextAttemptAt) {
    }

    /**
     * Records what tries of claimed notifications came to, and each try itself (the attempts table, which a session's
     * receipt reads), in the caller's transaction, each only if its claim still holds: a node whose lease ran out
     * changes nothing and records no try. A skip leaves the count of tries as it was. One statement per outcome,
     * sent as one JDBC batch (the database's count per statement is the fence), then one batch of tries: a few
     * round trips for hundreds of answers, where a statement each cost the sender its rate (issue 20).
     *
     * @return for each outcome, in order, whether its claim still held, i.e. whether it was recorded
     * @throws IllegalStateException when the driver doesn't count a batched statement's rows, which the fence needs
     */
    public boolean[] recordAll(List<Outcome> outcomes) {
        boolean[] recorded = new boolean[outcomes.size()];
        if (outcomes.isEmpty()) {
            return recorded;
        }
        String update = "update " + table() + " set"
                + " STATUS = coalesce(?, STATUS), LOGOUT_URL = coalesce(?, LOGOUT_URL), ATTEMPTS = coalesce(?, ATTEMPTS),"
                + " NEXT_ATTEMPT_AT = coalesce(?, NEXT_ATTEMPT_AT), DELIVERED_AT = coalesce(?, DELIVERED_AT),"
                + " LAST_ERROR = ?, CLAIM_TOKEN = null, CLAIMED_UNTIL = null where ID = ? and CLAIM_TOKEN = ?";
        String insert = "insert into " + JpaUtils.getTableNameForNativeQuery("SG_LOGOUT_ATTEMPT", em)
                + " (ID, NOTIFICATION_ID, REALM_ID, ATTEMPT, SENT_AT, RECORDED_AT, OUTCOME, HTTP_STATUS, ERROR_TEXT)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        em.runWithConnection((Connection connection) -> {
            try (PreparedStatement updates = connection.prepareStatement(update)) {
                for (Outcome outcome : outcomes) {
                    bindOutcome(updates, outcome);
                    updates.addBatch();
                }
                int[] counts = updates.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] < 0) {
                        throw new IllegalStateException("The database did not count the rows of a batched update"
                                + " (" + counts[i] + "); outcomes can't be fenced in a batch");
                    }
                    recorded[i] = counts[i] == 1;
                }
            }
            try (PreparedStatement tries = connection.prepareStatement(insert)) {
                int pending = 0;
                for (int i = 0; i < outcomes.size(); i++) {
                    if (recorded[i]) {
                        bindTry(tries, outcomes.get(i));
                        tries.addBatch();
                        pending++;
                    }
                }
                if (pending > 0) {
                    tries.executeBatch();
                }
            }
        });
        return recorded;
    }

    /**
     * The outcome's columns; null leaves a column as it is (a retry keeps its status, a skip its URL and count). The
     * row's URL becomes the one the try went to: delivery reads the client's URL when it sends.
     */
    private static void bindOutcome(PreparedStatement update, Outcome outcome) throws SQLException {
        LogoutAttempt attempt = outcome.attempt();
        AttemptOutcome result = attempt.outcome();
        String status = switch (result) {
            case DELIVERED -> NotificationStatus.DELIVERED.name();
            case RETRY -> null;
            case FAILED -> NotificationStatus.FAILED.name();
            case SKIPPED -> NotificationStatus.SKIPPED.name();
        };
        boolean tried = result != AttemptOutcome.SKIPPED;
        setString(update, 1, status);
        setString(update, 2, tried ? outcome.url() : null);
        if (tried) {
            update.setInt(3, attempt.number());
        } else {
            update.setNull(3, Types.INTEGER);
        }
        setLong(update, 4, result == AttemptOutcome.RETRY ? outcome.nextAttemptAt() : null);
        setLong(update, 5, result == AttemptOutcome.DELIVERED ? attempt.recordedAt() : null);
        setString(update, 6, result == AttemptOutcome.DELIVERED ? null : printable(attempt.error()));
        update.setString(7, outcome.claimed().id());
        update.setString(8, outcome.claimed().claimToken());
    }

    private static void bindTry(PreparedStatement insert, Outcome outcome) throws SQLException {
        LogoutAttempt attempt = outcome.attempt();
        insert.setString(1, UUID.randomUUID().toString());
        insert.setString(2, outcome.claimed().id());
        insert.setString(3, outcome.claimed().realmId());
        insert.setInt(4, attempt.number());
        insert.setLong(5, attempt.sentAt());
        insert.setLong(6, attempt.recordedAt());
        insert.setString(7, attempt.outcome().name());
        if (attempt.httpStatus() == null) {
            insert.setNull(8, Types.INTEGER);
        } else {
            insert.setInt(8, attempt.httpStatus());
        }
        setString(insert, 9, printable(attempt.error()));
    }

    private static void setString(PreparedStatement statement, int index, String value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.VARCHAR);
        } else {
            statement.setString(index, value);
        }
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }

    /**
     * Puts a failed or skipped notification of the realm back in line with a fresh count of tries; it goes to the
     * client's URL as it is when it is sent.
     */
    public Optional<Notification> requeue(String realmId, String id, long now) {
        int changed = em.createNamedQuery("sgRequeueFailed").setParameter("now", now).setParameter("id", id)
                .setParameter("realmId", realmId).executeUpdate();
        return changed == 0 ? Optional.empty() : find(id);
    }

    public Optional<Notification> find(String id) {
        return em.createNamedQuery("sgNotificationById", LogoutNotificationEntity.class).setParameter("id", id)
                .getResultStream().findFirst().map(Notification::of);
    }

    /**
     * Every notification of the realm that the user session's death queued, each with its recorded tries, oldest
     * first; empty when there is none (never told, unknown, another realm's, or past retention).
     */
    public List<NotificationHistory> ofSession(String realmId, String userSessionId) {
        List<Notification> notifications = em.createNamedQuery("sgNotificationsOfSession",
                        LogoutNotificationEntity.class)
                .setParameter("realmId", realmId).setParameter("userSessionId", userSessionId)
                .getResultStream().map(Notification::of).toList();
        if (notifications.isEmpty()) {
            return List.of();
        }
        Map<String, List<LogoutAttempt>> attempts = new HashMap<>();
        em.createNamedQuery("sgAttemptsOfNotifications", LogoutAttemptEntity.class)
                .setParameter("realmId", realmId)
                .setParameter("ids", notifications.stream().map(Notification::id).toList())
                .getResultStream().forEach(row -> attempts.computeIfAbsent(row.getNotificationId(),
                        id -> new ArrayList<>()).add(LogoutAttempt.of(row)));
        return notifications.stream().map(notification -> new NotificationHistory(notification,
                List.copyOf(attempts.getOrDefault(notification.id(), List.of())))).toList();
    }

    public List<Notification> byStatus(String realmId, NotificationStatus status, int first, int max) {
        return em.createNamedQuery("sgNotificationsByStatus", LogoutNotificationEntity.class)
                .setParameter("realmId", realmId).setParameter("status", status.name())
                .setFirstResult(first).setMaxResults(max).getResultStream().map(Notification::of).toList();
    }

    public long pendingCount() {
        return em.createNamedQuery("sgCountPending", Long.class).getSingleResult();
    }

    // The purges below delete notifications only: their attempts go with them through the attempts table's foreign
    // key (ON DELETE CASCADE), in the same statement, so that no purge, present or future, can leave them behind.

    /** Delivered, failed and skipped rows created before the given time; @return how many were removed */
    public int purgeFinished(long createdBefore) {
        return em.createNamedQuery("sgPurgeFinished").setParameter("before", createdBefore).executeUpdate();
    }

    public int purgeRealm(String realmId) {
        return em.createNamedQuery("sgPurgeRealm").setParameter("realmId", realmId).executeUpdate();
    }

    public int purgeClient(String clientUuid) {
        return em.createNamedQuery("sgPurgeClient").setParameter("clientUuid", clientUuid).executeUpdate();
    }

    /** A removed user's finished rows; the notifications its removal queued are still delivered. */
    public int purgeUser(String realmId, String userId) {
        return em.createNamedQuery("sgPurgeUser").setParameter("realmId", realmId).setParameter("userId", userId)
                .executeUpdate();
    }

    /**
     * Only printable text is stored from a relying party's answer: control characters (a NUL byte makes PostgreSQL
     * refuse the whole update) become '?', and the text is cut to the column's size.
     */
    static String printable(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_ERROR_LENGTH));
        text.codePoints().limit(MAX_ERROR_LENGTH).forEach(c -> clean.appendCodePoint(
                c > 0xFFFF || Character.isISOControl(c) || !Character.isDefined(c)
                        || Character.getType(c) == Character.PRIVATE_USE ? '?' : c));
        return clean.toString();
    }
}
