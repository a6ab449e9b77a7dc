package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.DeliveryStatus;
import io.github.sessionguard.logout.outbox.LogoutOutboxProvider;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.OutboxStore;
import java.util.List;
import java.util.Optional;
import org.keycloak.common.util.Time;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

final class DefaultLogoutOutboxProvider implements LogoutOutboxProvider {

    private static final String WAKE_UP_ENLISTED = "session-guard.outbox.wake-up";

    private final KeycloakSession session;
    private final OutboxSettings settings;
    private final LogoutDeliveryWorker worker;

    DefaultLogoutOutboxProvider(KeycloakSession session, OutboxSettings settings, LogoutDeliveryWorker worker) {
        this.session = session;
        this.settings = settings;
        this.worker = worker;
    }

    @Override
    public boolean enabled() {
        return settings.enabled() && worker != null;
    }

    @Override
    public void add(Notification notification) {
        new OutboxStore(session).add(notification);
        wakeWorkerAfterCommit();
    }

    @Override
    public List<Notification> list(RealmModel realm, DeliveryStatus status, int first, int max) {
        return new OutboxStore(session).byStatus(realm.getId(), status, first, max);
    }

    @Override
    public Optional<Notification> retry(RealmModel realm, String id) {
        Optional<Notification> requeued = new OutboxStore(session).requeue(realm.getId(), id,
                Time.currentTimeMillis());
        requeued.ifPresent(notification -> wakeWorkerAfterCommit());
        return requeued;
    }

    private void wakeWorkerAfterCommit() {
        if (worker == null || session.getAttribute(WAKE_UP_ENLISTED) != null) {
            return;
        }
        session.setAttribute(WAKE_UP_ENLISTED, Boolean.TRUE);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                worker.wakeUp();
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
