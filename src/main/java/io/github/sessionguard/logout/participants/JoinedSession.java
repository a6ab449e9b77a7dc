package io.github.sessionguard.logout.participants;

import io.github.sessionguard.tier.Grant;
import io.github.sessionguard.tier.RequestTier;
import java.util.ArrayList;
import java.util.List;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.util.TokenUtil;

/**
 * A session a token response joins its client to: what the participant record and the session limit both start from.
 * Tokens after a login join sessions (a code, device or CIBA grant, a password grant, a token exchange); a refresh or
 * a client-credentials grant (whose session is transient) joins none.
 */
public record JoinedSession(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {

    /** The online session, and the offline one where an offline token was issued; none on a refresh. */
    public static List<JoinedSession> of(KeycloakSession session, TokenPostProcessorContext context) {
        if (context.requestRefreshToken() != null || context.clientSessionCtx() == null) {
            return List.of();
        }
        AuthenticatedClientSessionModel clientSession = context.clientSessionCtx().getClientSession();
        UserSessionModel userSession = clientSession.getUserSession();
        if (userSession.getPersistenceState() == UserSessionModel.SessionPersistenceState.TRANSIENT) {
            return List.of();
        }
        List<JoinedSession> joined = new ArrayList<>();
        boolean offlineToken = !userSession.isOffline() && context.refreshToken() != null
                && TokenUtil.TOKEN_TYPE_OFFLINE.equals(context.refreshToken().getType());
        // Keycloak removes a password grant's online session as soon as it has issued an offline token
        // (ResourceOwnerPasswordCredentialsGrantType): that session never lives, so it joins nothing, and the
        // relying party, which knows one sid for both, hears when the offline session ends.
        if (!(offlineToken && RequestTier.grant(session) == Grant.PASSWORD)) {
            joined.add(new JoinedSession(userSession, clientSession));
        }
        // Keycloak made the offline session beside the online one, with the same id; the context still names the online.
        if (offlineToken) {
            UserSessionModel offline = session.sessions().getOfflineUserSession(userSession.getRealm(),
                    userSession.getId());
            AuthenticatedClientSessionModel offlinePart = offline == null ? null
                    : offline.getAuthenticatedClientSessionByClient(clientSession.getClient().getId());
            if (offlinePart != null) {
                joined.add(new JoinedSession(offline, offlinePart));
            }
        }
        return joined;
    }
}
