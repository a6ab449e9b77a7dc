package io.github.sessionguard.logout;

import java.util.List;
import java.util.Optional;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.provider.Provider;

/** The logout outbox within one request: queue a notification in its transaction, list and retry for admins. */
public interface LogoutOutboxProvider extends Provider {

    /** Whether back-channel logouts go through the outbox (server option {@code enabled}). */
    boolean enabled();

    /** Queues a logout token for the client of this client session, in the current transaction. */
    void enqueue(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession, String reason);

    /**
     * Queues a logout token for a client of a session that is already gone (Keycloak expired or removed it), from
     * Session Guard's own record of who took part. Does nothing for a client without a back-channel logout URL.
     */
    void enqueueForEndedSession(RealmModel realm, ClientModel client, String userId, String userSessionId,
            String issuer, String reason);

    List<LogoutNotificationEntity> list(RealmModel realm, DeliveryStatus status, int first, int max);

    /** Puts a failed notification back in line; empty if there is no such failed notification in the realm. */
    Optional<LogoutNotificationEntity> retry(RealmModel realm, String id);
}
