package io.github.sessionguard.logout.participants;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Serialises the grants that count one user's sessions, on every node: the caller's transaction holds the user's lock
 * row until it commits, so the next grant counts the participations this one recorded and the sessions it ended.
 */
public final class SessionLimitLock {

    private static final Logger LOG = Logger.getLogger(SessionLimitLock.class);

    private final KeycloakSession session;

    public SessionLimitLock(KeycloakSession session) {
        this.session = session;
    }

    /** Holds the user's lock for the rest of the caller's transaction, waiting for any other holder to finish. */
    public void hold(String realmId, String userId) {
        EntityManager em = em(session);
        if (em.find(SessionLimitLockEntity.class, userId, LockModeType.PESSIMISTIC_WRITE) != null) {
            return;
        }
        create(realmId, userId);
        if (em.find(SessionLimitLockEntity.class, userId, LockModeType.PESSIMISTIC_WRITE) == null) {
            throw new IllegalStateException("The session-limit lock of user " + userId + " could not be made");
        }
    }

    /**
     * The row is made in a transaction of its own: a second grant making it at the same moment fails on the primary key
     * there, not in the caller's transaction (which PostgreSQL would abort), and then finds the first one's row.
     */
    private void create(String realmId, String userId) {
        try {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), making -> {
                SessionLimitLockEntity row = new SessionLimitLockEntity();
                row.setUserId(userId);
                row.setRealmId(realmId);
                em(making).persist(row);
            });
        } catch (RuntimeException taken) {
            LOG.debugf(taken, "The session-limit lock of user %s was made by another request", userId);
        }
    }

    public void purgeRealm(String realmId) {
        em(session).createNamedQuery("sgPurgeSessionLimitLocksOfRealm").setFlushMode(FlushModeType.COMMIT)
                .setParameter("realmId", realmId).executeUpdate();
    }

    public void purgeUser(String userId) {
        em(session).createNamedQuery("sgPurgeSessionLimitLockOfUser").setFlushMode(FlushModeType.COMMIT)
                .setParameter("userId", userId).executeUpdate();
    }

    private static EntityManager em(KeycloakSession session) {
        return session.getProvider(JpaConnectionProvider.class).getEntityManager();
    }
}
