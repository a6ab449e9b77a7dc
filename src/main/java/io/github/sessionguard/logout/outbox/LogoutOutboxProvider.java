package io.github.sessionguard.logout.outbox;

import java.util.List;
import java.util.Optional;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.Provider;

/**
 * The logout outbox within one request: queue a notification in its transaction (only the funnel does), list, retry,
 * and a session's notifications with their tries, for admins.
 */
public interface LogoutOutboxProvider extends Provider {

    /** Whether back-channel logouts go through the outbox (server option {@code enabled}). */
    boolean enabled();

    /**
     * Adds the row in the current transaction (written just before it commits, with the others it queued); the
     * delivery worker is woken once it commits.
     */
    void add(Notification notification);

    List<Notification> list(RealmModel realm, NotificationStatus status, int first, int max);

    /**
     * The notifications the death of the realm's user session queued, each with every try recorded of it: what the
     * session's receipt shows. Empty when the realm has none of that session.
     */
    List<NotificationHistory> ofSession(RealmModel realm, String userSessionId);

    /** Puts a failed notification back in line; empty if there is no such failed notification in the realm. */
    Optional<Notification> retry(RealmModel realm, String id);
}
