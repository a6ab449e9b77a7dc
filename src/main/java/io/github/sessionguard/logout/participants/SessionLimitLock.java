package io.github.sessionguard.logout.participants;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.LockModeType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Serialises the grants that count one user's sessions, on every node. The user's lock row is held until the grant's
 * request has completed, after Keycloak has committed both the request's database work and its session store (in
 * that order): a grant that got the lock earlier must not see, and end, a session whose creating request is still
 * writing it, nor count a participation whose session it can't see yet. The row is locked in a transaction of its
 * own, on a thread of its own (a thread has one database transaction), which the request releases when it completes.
 */
public final class SessionLimitLock {

    private static final Logger LOG = Logger.getLogger(SessionLimitLock.class);
    private static final long LONGEST_HOLD_MINUTES = 2;
    private static final ExecutorService HOLDERS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "session-guard-session-limit-lock");
        thread.setDaemon(true);
        return thread;
    });

    private final KeycloakSession session;

    public SessionLimitLock(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Holds the user's lock until the caller's request has completed (committed or rolled back), waiting for any
     * other holder to finish first.
     */
    public void hold(String realmId, String userId) {
        CompletableFuture<Void> held = new CompletableFuture<>();
        CountDownLatch released = new CountDownLatch(1);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                released.countDown();
            }

            @Override
            protected void rollbackImpl() {
                released.countDown();
            }
        });
        HOLDERS.execute(() -> {
            try {
                KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), holding -> {
                    lock(holding, realmId, userId);
                    held.complete(null);
                    awaitRelease(released, userId);
                    // Nothing was written: rolling back releases the row.
                    holding.getTransactionManager().setRollbackOnly();
                });
            } catch (RuntimeException e) {
                held.completeExceptionally(e);
            }
        });
        try {
            held.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted waiting for the session-limit lock of user " + userId, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("The session-limit lock of user " + userId + " could not be held",
                    e.getCause());
        }
    }

    private void lock(KeycloakSession holding, String realmId, String userId) {
        EntityManager em = em(holding);
        if (em.find(SessionLimitLockEntity.class, userId, LockModeType.PESSIMISTIC_WRITE) == null) {
            create(realmId, userId);
            if (em.find(SessionLimitLockEntity.class, userId, LockModeType.PESSIMISTIC_WRITE) == null) {
                throw new IllegalStateException("The session-limit lock of user " + userId + " could not be made");
            }
        }
    }

    /**
     * A request ends by committing or rolling back, and then releases the lock; should one never end, the lock goes
     * after {@link #LONGEST_HOLD_MINUTES}, so that the user's next grants are not held up for good.
     */
    private static void awaitRelease(CountDownLatch released, String userId) {
        try {
            if (!released.await(LONGEST_HOLD_MINUTES, TimeUnit.MINUTES)) {
                LOG.warnf("The session-limit lock of user %s was held for %d minutes by a request that did not end;"
                        + " released", userId, LONGEST_HOLD_MINUTES);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The row is made in a transaction of its own: a second grant making it at the same moment fails on the primary key
     * there, not in the holding transaction (which PostgreSQL would abort), and then finds the first one's row.
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
