package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.participants.TierDeadlines;
import io.github.sessionguard.tier.Grant;
import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierPolicy;
import java.util.Optional;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.util.TokenUtil;

/**
 * Catches a client joining a session, when tokens are issued after a login (never on a refresh, which must stay free
 * of extra database work), and hands it to the {@link LogoutFunnel}, which records it if the client is ever to be
 * told: the expiry scan needs to know whom to tell once the session has died. A login that asks for an offline token
 * joins the offline session too.
 */
final class ParticipantRecorder implements TokenPostProcessor {

    private final KeycloakSession session;

    ParticipantRecorder(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void process(TokenPostProcessorContext context) {
        if (context.requestRefreshToken() != null || context.clientSessionCtx() == null) {
            return;
        }
        AuthenticatedClientSessionModel clientSession = context.clientSessionCtx().getClientSession();
        UserSessionModel userSession = clientSession.getUserSession();
        if (userSession.getPersistenceState() == UserSessionModel.SessionPersistenceState.TRANSIENT) {
            return;
        }
        ClientModel client = clientSession.getClient();
        Optional<TierPolicy> tier = RequestTier.policy(session, client);
        LogoutFunnel funnel = new LogoutFunnel(session);
        boolean offlineToken = !userSession.isOffline() && context.refreshToken() != null
                && TokenUtil.TOKEN_TYPE_OFFLINE.equals(context.refreshToken().getType());
        // Keycloak removes a password grant's online session as soon as it has issued an offline token
        // (ResourceOwnerPasswordCredentialsGrantType): that session never lives, so it is not recorded, and the
        // relying party, which knows one sid for both, hears when the offline session ends.
        if (!(offlineToken && RequestTier.grant(session) == Grant.PASSWORD)) {
            funnel.clientJoined(userSession, clientSession, TierDeadlines.of(tier, userSession));
        }
        // Keycloak made the offline session beside the online one, with the same id; the context still names the online.
        if (offlineToken) {
            UserSessionModel offline = session.sessions().getOfflineUserSession(userSession.getRealm(),
                    userSession.getId());
            AuthenticatedClientSessionModel offlinePart = offline == null ? null
                    : offline.getAuthenticatedClientSessionByClient(client.getId());
            if (offlinePart != null) {
                funnel.clientJoined(offline, offlinePart, TierDeadlines.of(tier, offline));
            }
        }
    }
}
