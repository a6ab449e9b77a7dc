package io.github.sessionguard.logout;

import org.jboss.logging.Logger;
import org.keycloak.common.ClientConnection;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * The one way Session Guard ends a user session: in a transaction of its own, so that the error the caller answers
 * with (an {@code invalid_grant}, say) can't roll the ending back; through Keycloak's back-channel logout, so every
 * client of the session with a back-channel logout URL hears of it; and with a {@code LOGOUT} event naming the reason.
 */
public final class SessionTerminator {

    private static final Logger LOG = Logger.getLogger(SessionTerminator.class);

    private final KeycloakSession session;

    public SessionTerminator(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Ends the (online or offline) user session. A session already gone, for example ended by a concurrent replay, is
     * left alone.
     */
    public void end(String userSessionId, boolean offline, EndReason reason) {
        ClientConnection connection = session.getContext().getConnection();
        var uri = session.getContext().getUri();
        var headers = session.getContext().getRequestHeaders();
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), ending -> {
            RealmModel realm = ending.getContext().getRealm();
            UserSessionModel userSession = SessionLookup.userSession(ending, realm, userSessionId, offline);
            if (userSession == null) {
                LOG.debugf("Session %s of realm %s already ended; nothing to do for %s", userSessionId,
                        realm.getName(), reason.detail());
                return;
            }
            LOG.debugf("Ending session %s of user %s in realm %s: %s", userSessionId,
                    userSession.getUser().getUsername(), realm.getName(), reason.detail());
            ending.setAttribute(EndReason.SESSION_ATTRIBUTE, reason.detail());
            AuthenticationManager.backchannelLogout(ending, realm, userSession, uri, connection, headers, true);
            LogoutEvents.record(ending, realm, userSession.getUser().getId(), userSession.getId(), null, reason);
        });
    }
}
