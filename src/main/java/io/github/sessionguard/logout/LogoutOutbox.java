package io.github.sessionguard.logout;

import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.UUID;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;

/**
 * The outbox table, as the rest of the extension sees it: rows are added in the caller's transaction, claimed by one
 * node at a time with a lease (two statements that any database runs the same way), and completed one by one.
 */
final class LogoutOutbox {

    private final EntityManager em;

    LogoutOutbox(KeycloakSession session) {
        this.em = session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }

    void add(LogoutNotificationEntity notification) {
        em.persist(notification);
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
