package io.github.sessionguard.limit;

import io.github.sessionguard.logout.SessionEnder;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.logout.participants.SessionLimitLock;
import io.github.sessionguard.logout.participants.SessionLookup;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.SessionLimitAction;
import io.github.sessionguard.tier.TierRefusal;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;

/**
 * A tier's {@code max-sessions}, held where a grant creates or joins a session of the client. It counts the user's
 * other live sessions in the client from Session Guard's participations (recorded in the same transaction as the
 * grant, for every client whose tier limits sessions) while holding the user's lock row, so that grants on any node
 * count one after the other. Past the limit it ends the oldest sessions through the funnel, in the grant's own
 * transaction, or refuses the grant. Online and offline sessions are counted apart, each against the limit.
 */
public final class SessionLimit {

    private static final Logger LOG = Logger.getLogger(SessionLimit.class);

    private final KeycloakSession session;
    private final ConfiguredTier tier;

    public SessionLimit(KeycloakSession session, ConfiguredTier tier) {
        this.session = session;
        this.tier = tier;
    }

    /** Whether the tier limits sessions at all; when it doesn't, a grant does no extra database work. */
    public boolean applies() {
        return tier.policy().maxSessions() > 0;
    }

    /**
     * Makes room for {@code joined} (a session the grant created or joined) in {@code client}, or refuses it.
     *
     * @throws TierRefusal when the tier refuses new sessions past its limit
     */
    public void admit(UserSessionModel joined, ClientModel client) throws TierRefusal {
        long max = tier.policy().maxSessions();
        if (max == 0) {
            return;
        }
        RealmModel realm = joined.getRealm();
        String userId = joined.getUser().getId();
        new SessionLimitLock(session).hold(realm.getId(), userId);
        List<UserSessionModel> others = othersOldestFirst(realm, joined, client);
        int excess = (int) (others.size() + 1 - max);
        if (excess <= 0) {
            return;
        }
        if (tier.policy().sessionLimitAction() == SessionLimitAction.REFUSE_NEW) {
            throw TierRefusal.invalidGrant("Session limit reached: session tier '" + tier.tier().id() + "' allows "
                    + max + (joined.isOffline() ? " offline" : "") + " session" + (max == 1 ? "" : "s")
                    + " per user in client '" + client.getClientId() + "' (session-limit-action refuse-new);"
                    + " sign out of another session first");
        }
        for (UserSessionModel oldest : others.subList(0, excess)) {
            LOG.debugf("Session limit of client %s in realm %s (%d): ending session %s of user %s",
                    client.getClientId(), realm.getName(), max, oldest.getId(), joined.getUser().getUsername());
            SessionEnder.endInCallersTransaction(session, realm, oldest, DeathReason.SESSION_LIMIT, client);
        }
    }

    /**
     * The user's other sessions of the same kind (online or offline) that Keycloak still holds with the client in them:
     * a participation whose session has expired, or whose client part has ended, is no longer live.
     */
    private List<UserSessionModel> othersOldestFirst(RealmModel realm, UserSessionModel joined, ClientModel client) {
        boolean offline = joined.isOffline();
        return new ParticipantStore(session).ofUserInClient(realm.getId(), joined.getUser().getId(), client.getId(),
                        offline).stream()
                .filter(participant -> !participant.userSessionId().equals(joined.getId()))
                .map(participant -> SessionLookup.userSession(session, realm, participant.userSessionId(), offline))
                .filter(Objects::nonNull)
                .filter(other -> other.getAuthenticatedClientSessionByClient(client.getId()) != null)
                .sorted(Comparator.comparingInt(UserSessionModel::getStarted).thenComparing(UserSessionModel::getId))
                .toList();
    }
}
