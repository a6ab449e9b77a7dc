package io.github.sessionguard.logout;

import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.participants.SessionLookup;
import io.github.sessionguard.tier.RequestTier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.common.ClientConnection;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * How Session Guard itself ends a session, or one client's part of it: in a transaction of its own, so that the error
 * the caller answers with (an {@code invalid_grant}, say) can't roll the ending back, and through the
 * {@link LogoutFunnel}, so that the right relying parties are told in that same transaction.
 */
public final class SessionEnder {

    private static final Logger LOG = Logger.getLogger(SessionEnder.class);

    private final KeycloakSession session;

    public SessionEnder(KeycloakSession session) {
        this.session = session;
    }

    /**
     * Ends the (online or offline) user session. A session that has already ended, for example by a concurrent reuse,
     * is left alone.
     */
    public void end(String userSessionId, boolean offline, DeathReason reason) {
        inOwnTransaction((ending, realm) -> {
            UserSessionModel userSession = SessionLookup.userSession(ending, realm, userSessionId, offline);
            if (userSession == null) {
                LOG.debugf("Session %s of realm %s already ended; nothing to do for %s", userSessionId,
                        realm.getName(), reason.detail());
                return;
            }
            endInThisTransaction(ending, realm, userSession, reason, null);
        });
    }

    /**
     * Ends the online session and its offline twin, which share the id, in one transaction, so that a relying party of
     * both is told once: a reuse of either's token means a thief may hold the other's too.
     *
     * @param causeClientUuid the client whose request ended the sessions
     */
    public void endWithTwin(String userSessionId, DeathReason reason, String causeClientUuid) {
        inOwnTransaction((ending, realm) -> {
            ClientModel cause = realm.getClientById(causeClientUuid);
            for (boolean offline : new boolean[] {false, true}) {
                UserSessionModel userSession = SessionLookup.userSession(ending, realm, userSessionId, offline);
                if (userSession != null) {
                    endInThisTransaction(ending, realm, userSession, reason, cause);
                }
            }
        });
    }

    /**
     * Ends one client's part of the (online or offline) user session, and tells that client: a reuse where the tier
     * doesn't revoke the whole session.
     */
    public void endClient(String userSessionId, boolean offline, String clientUuid, DeathReason reason) {
        inOwnTransaction((ending, realm) -> {
            UserSessionModel userSession = SessionLookup.userSession(ending, realm, userSessionId, offline);
            AuthenticatedClientSessionModel part = userSession == null ? null
                    : userSession.getAuthenticatedClientSessionByClient(clientUuid);
            if (part != null) {
                new LogoutFunnel(ending).clientEnded(realm, userSession, part, reason);
            }
        });
    }

    /**
     * Ends, in the caller's transaction, every online and offline session of the user that {@code which} selects.
     * One transaction for all, so an online session and its offline twin are told once.
     */
    public static void endSessionsOf(KeycloakSession session, RealmModel realm, UserModel user,
            Predicate<UserSessionModel> which, DeathReason reason) {
        Stream.concat(session.sessions().getUserSessionsStream(realm, user),
                        session.sessions().getOfflineUserSessionsStream(realm, user))
                .filter(which).toList()
                .forEach(userSession -> endInThisTransaction(session, realm, userSession, reason, null));
    }

    /**
     * Ends one (online or offline) user session in the caller's transaction, so that it ends only if the request that
     * ends it succeeds (a sign-in that makes room under a session limit).
     *
     * @param cause the client whose request ended the session, which the user's notice names
     */
    public static void endInCallersTransaction(KeycloakSession session, RealmModel realm, UserSessionModel userSession,
            DeathReason reason, ClientModel cause) {
        endInThisTransaction(session, realm, userSession, reason, cause);
    }

    private static void endInThisTransaction(KeycloakSession session, RealmModel realm, UserSessionModel userSession,
            DeathReason reason, ClientModel cause) {
        LOG.debugf("Ending session %s of user %s in realm %s: %s", userSession.getId(),
                userSession.getUser().getUsername(), realm.getName(), reason.detail());
        new LogoutFunnel(session).sessionEnded(realm, userSession, reason, cause);
        // Keycloak's own logout removes the session (and calls the protocol's back-channel logout, which the funnel
        // already took care of in this transaction).
        AuthenticationManager.backchannelLogout(session, realm, userSession, session.getContext().getUri(),
                session.getContext().getConnection(), session.getContext().getRequestHeaders(), true);
    }

    private interface Work {
        void run(KeycloakSession ending, RealmModel realm);
    }

    private void inOwnTransaction(Work work) {
        ClientConnection connection = session.getContext().getConnection();
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), ending -> {
            if (ending.getContext().getConnection() == null && connection != null) {
                ending.getContext().setConnection(connection);
            }
            RequestTier.carry(session, ending);
            work.run(ending, ending.getContext().getRealm());
        });
    }
}
