package io.github.sessionguard.logout;

import io.github.sessionguard.backchannel.BackchannelTarget;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.outbox.LogoutOutboxProvider;
import io.github.sessionguard.logout.outbox.Notification;
import io.github.sessionguard.logout.outbox.NotificationStatus;
import io.github.sessionguard.logout.participants.Participant;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.logout.participants.SessionLookup;
import io.github.sessionguard.logout.participants.TierDeadlines;
import io.github.sessionguard.notify.NoticeReason;
import io.github.sessionguard.notify.UserNoticeProvider;
import io.github.sessionguard.signals.SharedSignals;
import io.github.sessionguard.tier.ClientLastUse;
import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierPolicy;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;

/**
 * The one way a session's death becomes back-channel logouts. Every hook that catches a death calls one of its three
 * entries: the whole session ends; one client's part ends; the session has already ended. It queues whom
 * {@link BackchannelTarget} says is told (in a session that is not transient), writes the outbox rows in the caller's
 * transaction, forgets the participations that ended, and records the {@code LOGOUT} event with the reason. A client
 * is told at most once per session and transaction, however many of Keycloak's paths report the same death. It also
 * decides which deaths the user is told about (a reuse, an administrator's password reset or disabling), and hands
 * those to {@code notify}, which sends after the commit. Where the realm has Keycloak's SSF transmitter on, it hands
 * every death to {@link SharedSignals} as well, for the realm's Shared Signals receivers.
 */
public final class LogoutFunnel {

    private static final Logger LOG = Logger.getLogger(LogoutFunnel.class);
    private static final String TOLD_ATTRIBUTE = "session-guard.funnel.told";

    private final KeycloakSession session;

    public LogoutFunnel(KeycloakSession session) {
        this.session = session;
    }

    /**
     * A client took part in a session (after a login, never on a refresh): recorded if it is ever to be told, so that
     * a death Keycloak doesn't announce (expiry, realm sign-out) and the client's tier deadlines reach it.
     *
     * @param tier the client's tier deadlines in this request, which schedule the first look; the scan reads the tier
     *             in force again when it looks
     * @param counted the client's tier limits sessions, which counts these records: recorded even if never told
     */
    public void clientJoined(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession,
            TierDeadlines tier, boolean counted) {
        RealmModel realm = userSession.getRealm();
        ClientModel client = clientSession.getClient();
        if (!counted && (outbox() == null || !told(realm, client, userSession))) {
            return;
        }
        long now = Time.currentTime();
        new ParticipantStore(session).save(new Participant(
                ParticipantStore.idOf(userSession.getId(), client.getId(), userSession.isOffline()), realm.getId(),
                userSession.getId(), userSession.isOffline(), client.getId(), userSession.getUser().getId(),
                SessionLookup.issuer(session, realm, clientSession), now,
                ParticipantStore.nextCheck(userSession, tier, now, now), 0), tier);
    }

    /**
     * Entry 1: the whole (online or offline) session ends in this transaction. Every client of it that is to be told
     * is queued, its participations are forgotten, and one {@code LOGOUT} event records the reason. Whoever calls
     * this still removes the session.
     */
    public void sessionEnded(RealmModel realm, UserSessionModel userSession, DeathReason reason) {
        sessionEnded(realm, userSession, reason, null);
    }

    /**
     * Entry 1, where one client's request caused the death (a reuse, a revocation): the user's notice names that
     * client, and that client's tier decides whether there is one.
     *
     * @param cause the client whose request ended the session; null if none did (an admin action), and then the
     *              notice names every client of the session
     */
    public void sessionEnded(RealmModel realm, UserSessionModel userSession, DeathReason reason, ClientModel cause) {
        LOG.debugf("Session %s of user %s in realm %s ended: %s", userSession.getId(),
                userSession.getUser().getUsername(), realm.getName(), reason.detail());
        Collection<AuthenticatedClientSessionModel> clientSessions =
                userSession.getAuthenticatedClientSessions().values();
        if (outbox() != null) {
            for (AuthenticatedClientSessionModel clientSession : clientSessions) {
                tell(realm, userSession, clientSession, reason);
            }
        }
        // Even with the outbox off: a session limit counts the participations of clients that are never told.
        new ParticipantStore(session).forgetSession(userSession.getId(), userSession.isOffline());
        new SharedSignals(session).sessionEnded(realm, userSession, reason, clientSessions.stream().findFirst()
                .map(clientSession -> SessionLookup.issuer(session, realm, clientSession)).orElse(null));
        LogoutEvents.record(session, realm, userSession.getUser().getId(), userSession.getId(), null, reason);
        noticeUser(realm, userSession, reason, () -> cause != null ? List.of(cause)
                : clientSessions.stream().map(AuthenticatedClientSessionModel::getClient).distinct().toList());
    }

    /**
     * Entry 2, where Session Guard ends one client's part of a session (a tier deadline, a reuse without session
     * revocation): the client is told, its participation forgotten, its client session detached (its last use kept,
     * so that SSO still holds it to its tier's idle), and a {@code LOGOUT} event names the client and the reason.
     */
    public void clientEnded(RealmModel realm, UserSessionModel userSession,
            AuthenticatedClientSessionModel clientSession, DeathReason reason) {
        String clientId = clientSession.getClient().getClientId();
        LOG.debugf("Session %s of user %s in realm %s: client %s's part ended: %s", userSession.getId(),
                userSession.getUser().getUsername(), realm.getName(), clientId, reason.detail());
        if (outbox() != null) {
            tell(realm, userSession, clientSession, reason);
        }
        new ParticipantStore(session).forget(userSession.getId(), clientSession.getClient().getId(),
                userSession.isOffline());
        ClientModel client = clientSession.getClient();
        new SharedSignals(session).clientEnded(realm, userSession, client, reason,
                SessionLookup.issuer(session, realm, clientSession));
        ClientLastUse.keepBeforeEnding(userSession, clientSession);
        clientSession.detachFromUserSession();
        LogoutEvents.record(session, realm, userSession.getUser().getId(), userSession.getId(), clientId, reason);
        noticeUser(realm, userSession, reason, () -> List.of(client));
    }

    /**
     * Entry 2, where Keycloak ends one client's part itself and asks the OIDC protocol to tell it (RP-initiated
     * logout, admin and account-console sign-out, "sign out other devices"): the client is told and its participation
     * forgotten; Keycloak removes the client session and records its own {@code LOGOUT} event.
     *
     * @return false when the outbox has nothing to do with this client (no back-channel logout URL, or the outbox
     *         switched off), so that Keycloak's own handling applies
     */
    public boolean clientEndedByKeycloak(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {
        new SharedSignals(session).endedByKeycloak(userSession, clientSession);
        ClientModel client = clientSession.getClient();
        if (outbox() == null || BackchannelTarget.configuredUrl(client) == null) {
            forgetIfCounted(userSession, client);
            return false;
        }
        RealmModel realm = userSession.getRealm();
        tell(realm, userSession, clientSession, DeathReason.LOGOUT);
        new ParticipantStore(session).forget(userSession.getId(), client.getId(), userSession.isOffline());
        return true;
    }

    /**
     * A client that is never told still has a participation where its tier limits sessions; one whose part Keycloak
     * ended must not count as live, nor wait for the scan to be forgotten under another reason.
     */
    private void forgetIfCounted(UserSessionModel userSession, ClientModel client) {
        if (RequestTier.ofDeath(session, client).map(TierPolicy::limitsSessions).orElse(false)) {
            new ParticipantStore(session).forget(userSession.getId(), client.getId(), userSession.isOffline());
        }
    }

    /**
     * Entry 3: a session that has already ended (Keycloak expired it, or removed it without naming its clients), known
     * from Session Guard's record of who took part. The participant is told, forgotten, and a {@code LOGOUT} event
     * names it.
     */
    public void sessionAlreadyEnded(RealmModel realm, Participant participant, DeathReason reason) {
        tellAlreadyEnded(realm, participant, reason);
        new ParticipantStore(session).forget(participant);
        new SharedSignals(session).sessionAlreadyEnded(realm, participant, reason);
    }

    /**
     * Entry 3 for a page of participations at once (a realm sign-out ended thousands): each is told and has its
     * {@code LOGOUT} event, and the page is forgotten in one statement.
     */
    public void sessionsAlreadyEnded(RealmModel realm, List<Participant> participants, DeathReason reason) {
        participants.forEach(participant -> tellAlreadyEnded(realm, participant, reason));
        new ParticipantStore(session).forgetAll(participants);
        new SharedSignals(session).sessionsAlreadyEnded(realm, participants, reason);
    }

    /**
     * Entry 3, where Keycloak has already ended one client's part of a session that lives on (its client session
     * expired): the participant is told, forgotten, and a {@code LOGOUT} event names it.
     */
    public void clientAlreadyEnded(RealmModel realm, Participant participant, DeathReason reason) {
        ClientModel client = tellAlreadyEnded(realm, participant, reason);
        new ParticipantStore(session).forget(participant);
        if (client != null) {
            new SharedSignals(session).clientAlreadyEnded(realm, participant, client, reason);
        }
    }

    /** @return the participant's client, null if it no longer exists */
    private ClientModel tellAlreadyEnded(RealmModel realm, Participant participant, DeathReason reason) {
        ClientModel client = realm.getClientById(participant.clientUuid());
        LogoutOutboxProvider outbox = outbox();
        if (outbox != null && client != null && told(realm, client, null)
                && firstTime(participant.userSessionId(), client.getId())) {
            queue(outbox, realm, client, participant.userId(), participant.userSessionId(), participant.issuer(),
                    reason);
        }
        LogoutEvents.record(session, realm, participant.userId(), participant.userSessionId(),
                client == null ? null : client.getClientId(), reason);
        return client;
    }

    /**
     * The deaths a user should hear of: caused by someone else, and calling for action (a stolen token, a password an
     * administrator reset, an account an administrator disabled, a sign-in elsewhere that pushed a session out). A deleted user has no one left to tell; the other
     * reasons are the user's own doing or the clock's.
     */
    static NoticeReason noticeReason(DeathReason reason) {
        return switch (reason) {
            case REFRESH_TOKEN_REUSED -> NoticeReason.REFRESH_TOKEN_REUSED;
            case CREDENTIAL_CHANGED -> NoticeReason.CREDENTIAL_CHANGED;
            case USER_DISABLED -> NoticeReason.USER_DISABLED;
            case SESSION_LIMIT -> NoticeReason.SESSION_LIMIT;
            default -> null;
        };
    }

    /** The applications are listed only for a death the user is told of: a realm sign-out ends thousands at once. */
    private void noticeUser(RealmModel realm, UserSessionModel userSession, DeathReason reason,
            Supplier<Collection<ClientModel>> applications) {
        NoticeReason notice = noticeReason(reason);
        UserNoticeProvider notices = notice == null ? null : session.getProvider(UserNoticeProvider.class);
        if (notices != null) {
            notices.sessionsEnded(realm, userSession.getUser(), notice, applications.get());
        }
    }

    private void tell(RealmModel realm, UserSessionModel userSession, AuthenticatedClientSessionModel clientSession,
            DeathReason reason) {
        ClientModel client = clientSession.getClient();
        if (!told(realm, client, userSession) || !firstTime(userSession.getId(), client.getId())) {
            return;
        }
        queue(outbox(), realm, client, userSession.getUser().getId(), userSession.getId(),
                SessionLookup.issuer(session, realm, clientSession), reason);
    }

    /**
     * Who is told: the client's {@link BackchannelTarget} says it is, in a session that is not transient (a
     * client-credentials grant's).
     */
    private static boolean told(RealmModel realm, ClientModel client, UserSessionModel userSession) {
        if (userSession != null
                && userSession.getPersistenceState() == UserSessionModel.SessionPersistenceState.TRANSIENT) {
            return false;
        }
        BackchannelTarget target = BackchannelTarget.of(client);
        if (!target.told()) {
            // Not a warning per death: the posture report and the effective-policy endpoint name a URL that can't be
            // used once, where the administrator looks.
            LOG.debugf("Client %s of realm %s is not told: %s", client.getClientId(), realm.getName(),
                    target.miss().describe());
        }
        return target.told();
    }

    /** Online and offline sessions share their id, and a relying party knows one {@code sid}: told once for both. */
    private boolean firstTime(String userSessionId, String clientUuid) {
        @SuppressWarnings("unchecked")
        Set<String> told = session.getAttribute(TOLD_ATTRIBUTE, Set.class);
        if (told == null) {
            told = new HashSet<>();
            session.setAttribute(TOLD_ATTRIBUTE, told);
        }
        return told.add(userSessionId + " " + clientUuid);
    }

    private void queue(LogoutOutboxProvider outbox, RealmModel realm, ClientModel client, String userId,
            String userSessionId, String issuer, DeathReason reason) {
        OIDCAdvancedConfigWrapper config = OIDCAdvancedConfigWrapper.fromClientModel(client);
        long now = Time.currentTimeMillis();
        outbox.add(new Notification(KeycloakModelUtils.generateId(), realm.getId(), client.getId(),
                client.getClientId(), userId, userSessionId, issuer, BackchannelTarget.of(client).url(),
                config.isBackchannelLogoutSessionRequired(), config.getBackchannelLogoutRevokeOfflineTokens(), reason,
                KeycloakModelUtils.generateId(), NotificationStatus.PENDING, 0, now, now, now, null, null, null));
    }

    private LogoutOutboxProvider outbox() {
        LogoutOutboxProvider outbox = session.getProvider(LogoutOutboxProvider.class);
        return outbox != null && outbox.enabled() ? outbox : null;
    }
}
