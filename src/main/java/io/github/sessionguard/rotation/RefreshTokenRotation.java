package io.github.sessionguard.rotation;

import io.github.sessionguard.logout.EndReason;
import io.github.sessionguard.logout.SessionTerminator;
import io.github.sessionguard.tier.ConfiguredTier;
import org.jboss.logging.Logger;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.SecretGenerator;
import org.keycloak.common.util.Time;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.protocol.oidc.TokenManager.AccessTokenResponseBuilder;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;

/**
 * Single-use refresh tokens for a tier with {@code rotate-refresh-tokens}: each token's first exchange claims it in
 * Keycloak's single-use object store (atomic, and shared by every node of a cluster); a second exchange is a replay,
 * unless it retries the token exchanged last within the grace period. A replay ends the whole session.
 *
 * <p>It runs after Keycloak has verified the presented token (signature, expiry, realm, client, session), so a forged
 * or foreign token never gets here and can't end anyone's session.
 */
public final class RefreshTokenRotation {

    /** The claim that ties the refresh tokens of one login together, for events and logs. */
    public static final String FAMILY_CLAIM = "session_guard_family";
    static final String REUSE_ERROR = "refresh_token_reused";

    private static final Logger LOG = Logger.getLogger(RefreshTokenRotation.class);
    private static final String USED_KEY_PREFIX = "session-guard.refresh-token-used.";
    /** Markers outlive their token by this much, so clock skew between nodes can't reopen a token. */
    private static final long MARKER_SLACK_SECONDS = 60;

    private final KeycloakSession session;
    private final ConfiguredTier tier;

    public RefreshTokenRotation(KeycloakSession session, ConfiguredTier tier) {
        this.session = session;
        this.tier = tier;
    }

    /** A first refresh token (after a login, not a refresh) starts a new family. */
    public void startFamily(AccessTokenResponseBuilder response) {
        RefreshToken issued = response.getRefreshToken();
        if (issued != null) {
            issued.getOtherClaims().put(FAMILY_CLAIM, SecretGenerator.getInstance().generateSecureID());
        }
    }

    public void rotate(TokenRefreshResponseContext context) throws ClientPolicyException {
        AccessTokenResponseBuilder response = context.getAccessTokenResponseBuilder();
        RefreshToken presented = session.tokens().decode(context.getParams().getFirst(OAuth2Constants.REFRESH_TOKEN),
                RefreshToken.class);
        if (presented == null) {
            // Keycloak verified this very token a moment ago; refuse rather than let it through unchecked.
            throw new ClientPolicyException(OAuthErrorException.INVALID_GRANT, "Invalid refresh token");
        }
        String family = familyOf(presented);
        AuthenticatedClientSessionModel clientSession = response.getClientSessionCtx().getClientSession();
        RefreshToken issued = response.getRefreshToken();
        long now = Time.currentTime();

        if (claim(presented.getId(), markerLifespan(presented, now, tier.policy().maxLifespan()))) {
            stamp(issued, family);
            remember(presented.getId(), new LastRotation(idOf(issued), now));
            return;
        }
        LastRotation last = LastRotation.of(session.singleUseObjects(), presented.getId());
        // A retry of a spent token is let through only within the grace period, and only while the token that
        // replaced it is unused: that is the client that lost the response. The replacement is spent here, so that
        // whoever holds it can never use it; if it was used already, this token is not the latest, and it's a replay.
        if (last != null && last.withinGrace(now, tier.policy().reuseGracePeriod())
                && (last.issuedTokenId() == null
                        || claim(last.issuedTokenId(), tier.policy().idleTimeout() + MARKER_SLACK_SECONDS))) {
            stamp(issued, family);
            remember(presented.getId(), new LastRotation(idOf(issued), last.rotatedAt()));
            return;
        }
        replayDetected(presented, family, clientSession);
    }

    private void replayDetected(RefreshToken presented, String family, AuthenticatedClientSessionModel clientSession)
            throws ClientPolicyException {
        UserSessionModel userSession = clientSession.getUserSession();
        RealmModel realm = session.getContext().getRealm();
        String clientId = clientSession.getClient().getClientId();
        boolean endSession = tier.policy().revokeSessionOnReuse();
        LOG.warnf("Refresh token replay in realm %s: client %s, session %s, user %s, family %s; %s", realm.getName(),
                clientId, userSession.getId(), userSession.getUser().getUsername(), family,
                endSession ? "ending the session" : "ending the client's part of it");

        recordReplayEvent(presented, family, clientSession);
        if (endSession) {
            new SessionTerminator(session).end(userSession.getId(), userSession.isOffline(),
                    EndReason.REFRESH_TOKEN_REUSED);
        } else {
            detachClient(userSession, clientSession);
        }
        ReuseMetrics.replayDetected(realm.getName(), clientId, endSession);
        throw new ClientPolicyException(OAuthErrorException.INVALID_GRANT,
                "Refresh token was already used" + (endSession ? "; the session has been ended" : ""));
    }

    /** Recorded in a transaction of its own: the request itself ends in an error, which must not drop the event. */
    private void recordReplayEvent(RefreshToken presented, String family, AuthenticatedClientSessionModel clientSession) {
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
        new SessionTerminator(session).endClient(userSession.getId(), userSession.isOffline(),
                clientSession.getClient().getId(), EndReason.REFRESH_TOKEN_REUSED);
    }

    private boolean claim(String tokenId, long lifespanSeconds) {
        return session.singleUseObjects().putIfAbsent(USED_KEY_PREFIX + tokenId, lifespanSeconds);
    }

    private static void stamp(RefreshToken issued, String family) {
        if (issued != null) {
            issued.getOtherClaims().put(FAMILY_CLAIM, family);
        }
    }

    /** Only needed for the grace window, so only kept as long as it. */
    private void remember(String exchangedTokenId, LastRotation rotation) {
        long grace = tier.policy().reuseGracePeriod();
        if (grace > 0) {
            rotation.rememberFor(session.singleUseObjects(), exchangedTokenId, grace + MARKER_SLACK_SECONDS);
        }
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

    private static String idOf(RefreshToken token) {
        return token == null ? null : token.getId();
    }
}
