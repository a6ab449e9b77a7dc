package io.github.sessionguard.notify;

import java.util.Collection;
import org.keycloak.models.ClientModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * Telling a user that Session Guard ended their sessions, within one Keycloak session. Only the logout funnel calls
 * it, for the reasons it decides are the user's business. Deaths reported in one transaction make one email per user
 * and reason, sent only once that transaction has committed, and never in the way of the death.
 */
public interface UserNoticeProvider extends Provider {

    /**
     * @param applications the clients whose sessions ended; the user is told if the tier of one of them has
     *                     {@code notify-user}
     */
    void sessionsEnded(RealmModel realm, UserModel user, NoticeReason reason, Collection<ClientModel> applications);
}
