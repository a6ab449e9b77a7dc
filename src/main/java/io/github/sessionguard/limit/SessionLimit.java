package io.github.sessionguard.limit;

import io.github.sessionguard.logout.SessionEnder;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.participants.Participant;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.logout.participants.SessionLimitLock;
import io.github.sessionguard.logout.participants.SessionLookup;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.SessionLimitAction;
import io.github.sessionguard.tier.TierRefusal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A tier's {@code max-sessions}, held where a grant creates or joins a session of the client. It counts the user's
 * other live sessions in the client from Session Guard's participations (recorded in the same transaction as the
 * grant, for every client whose tier limits sessions) while holding the user's lock row, so that grants on any node
 * count one after the other. Past the limit it ends the oldest sessions through the funnel, in the grant's own
 * transaction, or refuses the grant. Online and offline sessions are counted apart, each against the limit.
 */
public final class SessionLimit {

    private static final Logger LOG = Logger.getLogger(SessionLimit.class);

    /**
     * How long a participation counts as live though Keycloak doesn't show its session: the grant that recorded it
     * has committed its own rows, and Keycloak may make the session visible a moment later.
     */
    static final long JUST_JOINED_SECONDS = 30;
    /** How long a grant waits for such a session to show, when it must end it to make room. */
    private static final long SHOWN_WITHIN_MILLIS = 2_000;

    private final KeycloakSession session;
    private final ConfiguredTier tier;

    public SessionLimit(KeycloakSession session, ConfiguredTier tier) {
        this.session = session;
        this.tier = tier;
    }

    /**
     * Makes room for {@code joined} (a session the grant created or joined) in {@code client}, or refuses it. Only
     * for a tier that {@link io.github.sessionguard.tier.TierPolicy#limitsSessions() limits sessions}.
     *
     * @throws TierRefusal when the tier refuses new sessions past its limit
     */
    public void admit(UserSessionModel joined, ClientModel client) throws TierRefusal {
        long max = tier.policy().maxSessions();
        RealmModel realm = joined.getRealm();
        String userId = joined.getUser().getId();
        new SessionLimitLock(session).hold(realm.getId(), userId);
        LiveSessions others = others(realm, joined, client);
        int excess = (int) (others.count() + 1 - max);
        if (excess <= 0) {
            return;
        }
        if (tier.policy().sessionLimitAction() == SessionLimitAction.REFUSE_NEW) {
            leave(joined, client);
            throw TierRefusal.invalidGrant("Session limit reached: session tier '" + tier.tier().id() + "' allows "
                    + max + (joined.isOffline() ? " offline" : "") + " session" + (max == 1 ? "" : "s")
                    + " per user in client '" + client.getClientId() + "' (session-limit-action refuse-new);"
                    + " sign out of another session first");
        }
        int endedNow = Math.min(excess, others.oldestFirst().size());
        for (UserSessionModel oldest : others.oldestFirst().subList(0, endedNow)) {
            LOG.debugf("Session limit of client %s in realm %s (%d): ending session %s of user %s",
                    client.getClientId(), realm.getName(), max, oldest.getId(), joined.getUser().getUsername());
            SessionEnder.endInCallersTransaction(session, realm, oldest, DeathReason.SESSION_LIMIT, client);
        }
        if (excess > endedNow) {
            endOnceShown(others.notYetShown(), excess - endedNow, joined.isOffline(), client);
        }
    }

    /**
     * Sessions of grants that committed a moment ago, on this node or another, which Keycloak's session store doesn't
     * show yet, or not yet with the client in them (it commits after the database work the lock orders): waited for, briefly, and the oldest of them ended
     * in a transaction of their own, since this transaction can't see them. One that doesn't show within the wait was
     * never committed, or has ended already.
     */
    private void endOnceShown(List<String> sessionIds, int count, boolean offline, ClientModel client) {
        LOG.debugf("Session limit: %d session(s) to end are not shown yet, waiting for them: %s", count, sessionIds);
        Map<String, Integer> started = new HashMap<>();
        long until = System.currentTimeMillis() + SHOWN_WITHIN_MILLIS;
        while (started.size() < sessionIds.size() && System.currentTimeMillis() < until) {
            for (String id : sessionIds) {
                if (!started.containsKey(id)) {
                    Integer start = startedIfShown(id, offline, client);
                    if (start != null) {
                        started.put(id, start);
                    }
                }
            }
            if (started.size() < sessionIds.size()) {
                pause();
            }
        }
        started.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(count)
                .forEach(oldest -> new SessionEnder(session).end(oldest.getKey(), offline, DeathReason.SESSION_LIMIT));
    }

    private Integer startedIfShown(String sessionId, boolean offline, ClientModel client) {
        return KeycloakModelUtils.runJobInTransactionWithResult(session.getKeycloakSessionFactory(),
                session.getContext(), looking -> {
                    UserSessionModel shown = SessionLookup.userSession(looking, looking.getContext().getRealm(),
                            sessionId, offline);
                    return shown == null || shown.getAuthenticatedClientSessionByClient(client.getId()) == null
                            ? null : shown.getStarted();
                }, "session-limit: is the session shown yet");
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A refused grant takes the client out of the session it would have joined, in a transaction of its own (the
     * grant's rolls back): a code, device or CIBA grant joins a session the user's sign-in made in an earlier request,
     * and the client's part of it, which never got a token, must not stay in it and count as live. A session the
     * refused grant made itself (a password grant's) rolls back with it.
     */
    private void leave(UserSessionModel joined, ClientModel client) {
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), leaving -> {
            RealmModel realm = leaving.getContext().getRealm();
            UserSessionModel userSession = SessionLookup.userSession(leaving, realm, joined.getId(), joined.isOffline());
            AuthenticatedClientSessionModel part = userSession == null ? null
                    : userSession.getAuthenticatedClientSessionByClient(client.getId());
            if (part != null) {
                part.detachFromUserSession();
            }
        });
    }

    /**
     * The user's other live sessions in the client, of the same kind (online or offline).
     *
     * @param oldestFirst those Keycloak holds with the client still in them, oldest first: the ones that can be ended
     * @param notYetShown the sessions of participations recorded in the last {@link #JUST_JOINED_SECONDS} that Keycloak
     *                    doesn't show yet: a grant that committed a moment ago, counted as live
     */
    private record LiveSessions(List<UserSessionModel> oldestFirst, List<String> notYetShown) {
        int count() {
            return oldestFirst.size() + notYetShown.size();
        }
    }

    /**
     * A participation whose session Keycloak no longer holds, or holds without the client, is not live (the scan
     * forgets it), unless it was recorded so recently that its session, or the client's part of it, may not be
     * visible to this transaction yet.
     */
    private LiveSessions others(RealmModel realm, UserSessionModel joined, ClientModel client) {
        boolean offline = joined.isOffline();
        long now = Time.currentTime();
        List<UserSessionModel> shown = new ArrayList<>();
        List<String> notYetShown = new ArrayList<>();
        for (Participant participant : new ParticipantStore(session).ofUserInClient(realm.getId(),
                joined.getUser().getId(), client.getId(), offline)) {
            if (participant.userSessionId().equals(joined.getId())) {
                continue;
            }
            UserSessionModel other = SessionLookup.userSession(session, realm, participant.userSessionId(), offline);
            if (other != null && other.getAuthenticatedClientSessionByClient(client.getId()) != null) {
                shown.add(other);
            } else if (now - participant.lastSeen() < JUST_JOINED_SECONDS) {
                notYetShown.add(participant.userSessionId());
            }
        }
        shown.sort(Comparator.comparingInt(UserSessionModel::getStarted).thenComparing(UserSessionModel::getId));
        return new LiveSessions(shown, notYetShown);
    }
}
