package io.github.sessionguard.logout;

import java.util.List;
import java.util.Optional;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;

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
    public void enqueue(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession, String reason) {
        RealmModel realm = userSession.getRealm();
        queue(realm, clientSession.getClient(), userSession.getUser().getId(), userSession.getId(),
                SessionLookup.issuer(session, realm, clientSession), reason);
        new SessionParticipants(session).forget(userSession.getId(), clientSession.getClient().getId(),
                userSession.isOffline());
    }

    @Override
    public void enqueueForEndedSession(RealmModel realm, ClientModel client, String userId, String userSessionId,
            String issuer, String reason) {
        if (OIDCAdvancedConfigWrapper.fromClientModel(client).getBackchannelLogoutUrl() != null) {
            queue(realm, client, userId, userSessionId, issuer, reason);
        }
    }

    private void queue(RealmModel realm, ClientModel client, String userId, String userSessionId, String issuer,
            String reason) {
        OIDCAdvancedConfigWrapper config = OIDCAdvancedConfigWrapper.fromClientModel(client);
        long now = System.currentTimeMillis();
        LogoutNotificationEntity notification = new LogoutNotificationEntity();
        notification.setId(KeycloakModelUtils.generateId());
        notification.setRealmId(realm.getId());
        notification.setClientUuid(client.getId());
        notification.setClientId(client.getClientId());
        notification.setUserId(userId);
        notification.setUserSessionId(userSessionId);
        notification.setIssuer(issuer);
        notification.setLogoutUrl(config.getBackchannelLogoutUrl());
        notification.setIncludeSid(config.isBackchannelLogoutSessionRequired());
        notification.setRevokeOfflineTokens(config.getBackchannelLogoutRevokeOfflineTokens());
        notification.setReason(reason);
        notification.setJti(KeycloakModelUtils.generateId());
        notification.setStatus(DeliveryStatus.PENDING.name());
        notification.setCreatedAt(now);
        notification.setQueuedAt(now);
        notification.setNextAttemptAt(now);
        new LogoutOutbox(session).add(notification);
        wakeWorkerAfterCommit();
    }

    @Override
    public List<LogoutNotificationEntity> list(RealmModel realm, DeliveryStatus status, int first, int max) {
        return new LogoutOutbox(session).byStatus(realm.getId(), status, first, max);
    }

    @Override
    public Optional<LogoutNotificationEntity> retry(RealmModel realm, String id) {
        LogoutNotificationEntity row = new LogoutOutbox(session).find(id);
        if (row == null || !row.getRealmId().equals(realm.getId())
                || !DeliveryStatus.FAILED.name().equals(row.getStatus())) {
            return Optional.empty();
        }
        long now = System.currentTimeMillis();
        row.setStatus(DeliveryStatus.PENDING.name());
        row.setAttempts(0);
        row.setQueuedAt(now);
        row.setNextAttemptAt(now);
        row.setClaimToken(null);
        row.setClaimedUntil(null);
        wakeWorkerAfterCommit();
        return Optional.of(row);
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
