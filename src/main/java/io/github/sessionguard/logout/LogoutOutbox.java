package io.github.sessionguard.logout;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import java.util.List;
import java.util.UUID;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The outbox table, as the rest of the extension sees it: rows are added in the caller's transaction, claimed by one
 * node at a time with a lease (two statements that any database runs the same way), and completed one by one.
 *
 * <p>Rows are added with an insert statement, not {@code persist}, and without flushing: a mass sign-out adds
 * thousands in one transaction, and thousands of managed entities would make every later query of that transaction
 * (Keycloak runs one per session it removes) dirty-check them all, a cost that grows with the square of the sessions.
 */
final class LogoutOutbox {

    private final EntityManager em;

    LogoutOutbox(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    void add(LogoutNotificationEntity n) {
        em.createNamedQuery("sgInsertNotification")
                .setFlushMode(FlushModeType.COMMIT)
                .setParameter("id", n.getId()).setParameter("realmId", n.getRealmId())
                .setParameter("clientUuid", n.getClientUuid()).setParameter("clientId", n.getClientId())
                .setParameter("userId", n.getUserId()).setParameter("userSessionId", n.getUserSessionId())
                .setParameter("issuer", n.getIssuer()).setParameter("logoutUrl", n.getLogoutUrl())
                .setParameter("includeSid", n.isIncludeSid()).setParameter("revokeOffline", n.isRevokeOfflineTokens())
                .setParameter("reason", n.getReason()).setParameter("jti", n.getJti())
                .setParameter("status", n.getStatus()).setParameter("attempts", n.getAttempts())
                .setParameter("createdAt", n.getCreatedAt()).setParameter("queuedAt", n.getQueuedAt())
                .setParameter("nextAttemptAt", n.getNextAttemptAt())
                .executeUpdate();
    }

    /** Claims up to {@code limit} due notifications for this caller until {@code leaseUntil}; returns them. */
    List<LogoutNotificationEntity> claimDue(long now, int limit, long leaseUntil) {
        List<String> due = em.createNamedQuery("sgDueNotificationIds", String.class)
                .setParameter("now", now).setMaxResults(limit).getResultList();
        if (due.isEmpty()) {
            return List.of();
        }
        String token = UUID.randomUUID().toString();
        // Only rows still unclaimed are taken: of two nodes racing for a row, the database lets one update it.
        em.createNamedQuery("sgClaimNotifications").setParameter("token", token).setParameter("until", leaseUntil)
                .setParameter("ids", due).setParameter("now", now).executeUpdate();
        return em.createNamedQuery("sgClaimedNotifications", LogoutNotificationEntity.class)
                .setParameter("token", token).getResultList();
    }

    LogoutNotificationEntity find(String id) {
        return em.find(LogoutNotificationEntity.class, id);
    }

    List<LogoutNotificationEntity> byStatus(String realmId, DeliveryStatus status, int first, int max) {
        return em.createNamedQuery("sgNotificationsByStatus", LogoutNotificationEntity.class)
                .setParameter("realmId", realmId).setParameter("status", status.name())
                .setFirstResult(first).setMaxResults(max).getResultList();
    }

    List<LogoutNotificationEntity> bySession(String realmId, String userSessionId) {
        return em.createNamedQuery("sgNotificationsBySession", LogoutNotificationEntity.class)
                .setParameter("realmId", realmId).setParameter("userSessionId", userSessionId).getResultList();
    }

    long pendingCount() {
        return em.createNamedQuery("sgCountPending", Long.class).getSingleResult();
    }
}
