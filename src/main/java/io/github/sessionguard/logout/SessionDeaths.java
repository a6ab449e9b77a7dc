package io.github.sessionguard.logout;

import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.tier.TierPolicy;
import java.util.List;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * The ways a session dies that Keycloak itself ends without telling relying parties, handled in the transaction of
 * the session given: user deleted, disabled or given a new password; the realm's "sign out all sessions"; a session
 * Keycloak expired; a tier's idle or absolute deadline. Each ends in the outbox and a {@code LOGOUT} event.
 */
final class SessionDeaths {

    private static final Logger LOG = Logger.getLogger(SessionDeaths.class);

    private final KeycloakSession session;

    SessionDeaths(KeycloakSession session) {
        this.session = session;
    }

    UserModel user(RealmModel realm, String userId) {
        return session.users().getUserById(realm, userId);
    }

    /** Ends the user's sessions in which a client's tier asks for it (end-sessions-on-credential-change). */
    void endSessionsOf(RealmModel realm, UserModel user, EndReason reason) {
        List<UserSessionModel> sessions = Stream.concat(session.sessions().getUserSessionsStream(realm, user),
                session.sessions().getOfflineUserSessionsStream(realm, user)).toList();
        SessionTerminator terminator = new SessionTerminator(session);
        for (UserSessionModel userSession : sessions) {
            if (tierAsksToEnd(realm, userSession)) {
                terminator.end(userSession.getId(), userSession.isOffline(), reason);
            }
        }
    }

    /**
     * A user about to be deleted: Keycloak removes the sessions with the user, silently, so the notifications are
     * queued here, in the deleting transaction.
     */
    void userRemoving(RealmModel realm, UserModel user) {
        LogoutOutboxProvider outbox = outbox();
        if (outbox == null) {
            return;
        }
        Stream.concat(session.sessions().getUserSessionsStream(realm, user),
                        session.sessions().getOfflineUserSessionsStream(realm, user))
                .filter(userSession -> tierAsksToEnd(realm, userSession))
                .toList()
                .forEach(userSession -> {
                    userSession.getAuthenticatedClientSessions().values()
                            .forEach(clientSession -> outbox.enqueue(userSession, clientSession,
                                    EndReason.USER_DELETED.detail()));
                    LogoutEvents.record(session, realm, user.getId(), userSession.getId(), null, EndReason.USER_DELETED);
                });
    }

    /** "Sign out all sessions" removed every online session of the realm; their participants are told now. */
    void realmSignedOut(RealmModel realm) {
        new SessionParticipants(session).ofRealm(realm).stream()
                .filter(participant -> !participant.isOffline())
                .forEach(participant -> sessionGone(realm, participant, EndReason.REALM_SIGN_OUT));
    }

    /** Tells every recorded participant of a session that is already gone, and forgets them. */
    void sessionGone(RealmModel realm, SessionParticipantEntity participant, EndReason reason) {
        LogoutOutboxProvider outbox = outbox();
        ClientModel client = realm.getClientById(participant.getClientUuid());
        if (outbox != null && client != null) {
            outbox.enqueueForEndedSession(realm, client, participant.getUserId(), participant.getUserSessionId(),
                    participant.getIssuer(), reason.detail());
            LogoutEvents.record(session, realm, participant.getUserId(), participant.getUserSessionId(), client.getClientId(), reason);
        }
        new SessionParticipants(session).forget(participant);
    }

    /** A tier's window closed for one client: its part of the session ends and it is told. */
    void clientExpired(RealmModel realm, UserSessionModel userSession, AuthenticatedClientSessionModel clientSession,
            EndReason reason) {
        LogoutOutboxProvider outbox = outbox();
        String clientId = clientSession.getClient().getClientId();
        LOG.debugf("Session %s of user %s in realm %s: client %s reached its %s", userSession.getId(),
                userSession.getUser().getUsername(), realm.getName(), clientId, reason.detail());
        if (outbox != null) {
            outbox.enqueue(userSession, clientSession, reason.detail());
        }
        clientSession.detachFromUserSession();
        LogoutEvents.record(session, realm, userSession.getUser().getId(), userSession.getId(), clientId, reason);
    }

    private boolean tierAsksToEnd(RealmModel realm, UserSessionModel userSession) {
        ClientTierResolver resolver = new ClientTierResolver(session);
        return userSession.getAuthenticatedClientSessions().values().stream()
                .map(AuthenticatedClientSessionModel::getClient)
                .distinct()
                .map(client -> resolver.resolve(realm, client).policy())
                .anyMatch(policy -> policy.map(TierPolicy::endSessionsOnCredentialChange).orElse(false));
    }

    private LogoutOutboxProvider outbox() {
        LogoutOutboxProvider outbox = session.getProvider(LogoutOutboxProvider.class);
        return outbox != null && outbox.enabled() ? outbox : null;
    }
}
