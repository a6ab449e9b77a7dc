package io.github.sessionguard.logout.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The outbox's writer: adds notifications in the caller's transaction and puts failed ones back in line, and, once
 * such a transaction commits, wakes whoever delivers them. It knows the delivery worker only as that wake-up, so the
 * outbox depends on nothing that reads it.
 */
public final class DefaultLogoutOutboxProvider implements LogoutOutboxProvider {

    private static final String WAKE_UP_ENLISTED = "session-guard.outbox.wake-up";

    private final KeycloakSession session;
    private final Runnable wakeUpDelivery;
    private final List<Notification> queued = new ArrayList<>();

    /**
     * @param wakeUpDelivery runs after a transaction that added or requeued notifications commits; null when no
     *                       delivery runs on this node (the outbox is switched off, or the server exports or imports),
     *                       and then the outbox is not {@link #enabled()}
     */
    public DefaultLogoutOutboxProvider(KeycloakSession session, Runnable wakeUpDelivery) {
        this.session = session;
        this.wakeUpDelivery = wakeUpDelivery;
    }

    @Override
    public boolean enabled() {
        return wakeUpDelivery != null;
    }

    /**
     * Kept until the transaction commits, then inserted in JDBC batches just before it does (Keycloak's prepare
     * phase, which runs before the database transaction commits): a realm sign-out queues thousands, which would cost a
     * round trip each. Nothing in a transaction that queues notifications reads them back.
     */
    @Override
    public void add(Notification notification) {
        if (queued.isEmpty()) {
            session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
                @Override
                protected void commitImpl() {
                    new OutboxStore(session).addAll(queued);
                    queued.clear();
                }

                @Override
                protected void rollbackImpl() {
                    queued.clear();
                }
            });
        }
        queued.add(notification);
        wakeUpDeliveryAfterCommit();
    }

    @Override
    public List<Notification> list(RealmModel realm, NotificationStatus status, int first, int max) {
        return new OutboxStore(session).byStatus(realm.getId(), status, first, max);
    }

    @Override
    public List<NotificationHistory> ofSession(RealmModel realm, String userSessionId) {
        return new OutboxStore(session).ofSession(realm.getId(), userSessionId);
    }

    @Override
    public Optional<Notification> retry(RealmModel realm, String id) {
        Optional<Notification> requeued = new OutboxStore(session).requeue(realm.getId(), id,
                Time.currentTimeMillis());
        requeued.ifPresent(notification -> wakeUpDeliveryAfterCommit());
        return requeued;
    }

    private void wakeUpDeliveryAfterCommit() {
        if (wakeUpDelivery == null || session.getAttribute(WAKE_UP_ENLISTED) != null) {
            return;
        }
        session.setAttribute(WAKE_UP_ENLISTED, Boolean.TRUE);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                wakeUpDelivery.run();
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    @Override
    public void close() {
    }
}
