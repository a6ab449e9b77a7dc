package io.github.sessionguard.logout;

import java.util.List;
import java.util.Optional;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.provider.Provider;

/** The logout outbox within one request: queue a notification in its transaction, list and retry for admins. */
public interface LogoutOutboxProvider extends Provider {

    /** Whether back-channel logouts go through the outbox (server option {@code enabled}). */
    boolean enabled();

    /** Queues a logout token for the client of this client session, in the current transaction. */
    void enqueue(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession, String reason);

    List<LogoutNotificationEntity> list(RealmModel realm, DeliveryStatus status, int first, int max);

    /** Puts a failed notification back in line; empty if there is no such failed notification in the realm. */
    Optional<LogoutNotificationEntity> retry(RealmModel realm, String id);
}
