package io.github.sessionguard.rotation;

import io.github.sessionguard.logout.SessionEnder;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.TierRefusal;
import org.jboss.logging.Logger;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.representations.RefreshToken;

/**
 * Single-use refresh tokens for a tier with {@code rotate-refresh-tokens}: each token's first exchange spends it in
 * Keycloak's single-use object store, keyed by the token's id (so two uses within one second are told apart, unlike
 * Keycloak 26.7.3's own timestamp-based reuse check); a second exchange is a reuse, unless it retries the token
 * exchanged last within the grace period. A reuse ends the whole session. A token is spent only if its request
 * succeeds ({@link UndoOnFailure}).
 *
 * <p>It runs in token post-processing, once per refresh, after Keycloak has verified the presented token (signature,
 * expiry, realm, client, session) and after every client-policy executor: a forged or foreign token never gets here
 * and can't end anyone's session, and no later executor can fail the request after the token was spent.
 */
public final class RefreshTokenRotation {

    /** The claim that ties the refresh tokens of one login together, for events and logs. */
    public static final String FAMILY_CLAIM = "session_guard_family";
    static final String REUSE_ERROR = "refresh_token_reused";

    private static final Logger LOG = Logger.getLogger(RefreshTokenRotation.class);
    /** Markers outlive their token by this much, so clock skew between nodes can't reopen a token. */
    private static final long MARKER_SLACK_SECONDS = 60;

    private final KeycloakSession session;
    private final ConfiguredTier tier;
    private final SpentTokens spent;

    public RefreshTokenRotation(KeycloakSession session, ConfiguredTier tier) {
        this.session = session;
        this.tier = tier;
        this.spent = new SpentTokens(session);
    }

    /** A first refresh token (after a login or an exchange, not a refresh) starts a new family. */
    public void startFamily(RefreshToken issued) {
        issued.getOtherClaims().put(FAMILY_CLAIM, SecretGenerator.getInstance().generateSecureID());
    }

    /**
     * @param presented the refresh token of the request, verified by Keycloak
     * @param issued    the refresh token about to be returned
     */
    public void rotate(RefreshToken presented, RefreshToken issued, AuthenticatedClientSessionModel clientSession)
            throws TierRefusal {
        String family = familyOf(presented);
        issued.getOtherClaims().put(FAMILY_CLAIM, family);
        long now = Time.currentTime();
        long grace = tier.policy().reuseGracePeriod();
        // Enlisted before the first write and told of each write as it succeeds: a failure from here on (the grace
        // record's write included) finds the undo in place, and a failed request never leaves its token spent.
        UndoOnFailure undo = new UndoOnFailure(session.getKeycloakSessionFactory(), presented.getId(),
                grace + MARKER_SLACK_SECONDS);
        session.getTransactionManager().enlistAfterCompletion(undo);

        if (spent.spend(presented.getId(), markerLifespan(presented, now, tier.policy().maxLifespan()))) {
            LastRotation rotation = new LastRotation(issued.getId(), now);
            undo.spent(presented.getId(), rotation, null);
            remember(presented.getId(), rotation);
            return;
        }
        LastRotation last = grace > 0 ? LastRotation.of(session.singleUseObjects(), presented.getId()) : null;
        // A retry of a spent token is let through only within the grace period, and only while the token that
        // replaced it is unused: that is the client that lost the response, or gave up waiting for it. The
        // replacement is spent here, so that whoever holds it can never use it; if it was used already, this token
        // is not the latest, and it's a reuse.
        if (last != null && last.withinGrace(now, grace) && last.issuedTokenId() != null
                && spent.spend(last.issuedTokenId(), tier.policy().idleTimeout() + MARKER_SLACK_SECONDS)) {
            LastRotation rotation = new LastRotation(issued.getId(), last.rotatedAt());
            undo.spent(last.issuedTokenId(), rotation, last);
            remember(presented.getId(), rotation);
            return;
        }
        reuseDetected(presented, family, clientSession);
    }

    /**
     * Writes the grace record at once. A store that fails here is a server fault, answered as one (503): the request
     * rolls back, the undo makes the token usable again, and the app's retry is a retry, not a reuse.
     */
    private void remember(String exchangedTokenId, LastRotation rotation) throws TierRefusal {
        long grace = tier.policy().reuseGracePeriod();
        if (grace <= 0) {
            return;
        }
        try {
            rotation.rememberNow(session.getKeycloakSessionFactory(), exchangedTokenId, grace + MARKER_SLACK_SECONDS);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Single-use store failed to record the rotation of refresh token %s; the request is"
                    + " answered as unavailable and the token stays usable", exchangedTokenId);
            throw TierRefusal.unavailable("The refresh-token rotation state can't be written; retry the request");
        }
    }

    private void reuseDetected(RefreshToken presented, String family, AuthenticatedClientSessionModel clientSession)
            throws TierRefusal {
        UserSessionModel userSession = clientSession.getUserSession();
        RealmModel realm = session.getContext().getRealm();
        String clientId = clientSession.getClient().getClientId();
        boolean endSession = tier.policy().revokeSessionOnReuse();
        LOG.warnf("Refresh token reuse in realm %s: client %s, session %s, user %s, family %s; %s", realm.getName(),
                clientId, userSession.getId(), userSession.getUser().getUsername(), family,
                endSession ? "ending the session" : "ending the client's part of it");

        recordReuseEvent(presented, family, clientSession);
        if (endSession) {
            new SessionEnder(session).endWithTwin(userSession.getId(), DeathReason.REFRESH_TOKEN_REUSED,
                    clientSession.getClient().getId());
        } else {
            detachClient(userSession, clientSession);
        }
        ReuseMetrics.reuseDetected(realm.getName(), clientId, endSession);
        throw TierRefusal.invalidGrant(
                "Refresh token was already used" + (endSession ? "; the session has been ended" : ""));
    }

    /** Recorded in a transaction of its own: the request itself ends in an error, which must not drop the event. */
    private void recordReuseEvent(RefreshToken presented, String family, AuthenticatedClientSessionModel clientSession) {
        String clientId = clientSession.getClient().getClientId();
        String userSessionId = clientSession.getUserSession().getId();
        String userId = clientSession.getUserSession().getUser().getId();
        var connection = session.getContext().getConnection();
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), recording ->
                new EventBuilder(recording.getContext().getRealm(), recording, connection)
                        .event(EventType.REFRESH_TOKEN_ERROR)
                        .client(clientId).user(userId).session(userSessionId)
                        .detail("token_family", family)
                        .detail("refresh_token_id", presented.getId())
                        .error(REUSE_ERROR));
    }

    private void detachClient(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {
        new SessionEnder(session).endClient(userSession.getId(), userSession.isOffline(),
                clientSession.getClient().getId(), DeathReason.REFRESH_TOKEN_REUSED);
    }

    /** As long as the token could still be verified; a token without expiry lives at most max-lifespan. */
    private static long markerLifespan(RefreshToken token, long now, long maxLifespan) {
        Long exp = token.getExp();
        long remaining = exp == null || exp <= 0 ? maxLifespan : Math.max(exp - now, 0);
        return remaining + MARKER_SLACK_SECONDS;
    }

    /** Tokens issued before the client came under a rotating tier have no family yet; they start one. */
    private static String familyOf(RefreshToken token) {
        Object family = token.getOtherClaims().get(FAMILY_CLAIM);
        return family != null ? family.toString() : token.getId();
    }
}
