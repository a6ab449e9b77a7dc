package io.github.sessionguard.enforce;

import io.github.sessionguard.tier.ConfiguredTier;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.TokenManager.AccessTokenResponseBuilder;
import org.keycloak.representations.AccessToken;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.managers.AuthenticationManager;
import org.keycloak.util.TokenUtil;

/**
 * Shapes the tokens of a response before Keycloak signs them, so that no token of the client outlives its tier:
 * access and ID tokens live at most access-token-lifespan, refresh tokens die after idle-timeout, and nothing lives
 * past max-lifespan counted from the user's authentication.
 */
final class TokenResponseEnforcer {

    private static final Logger LOG = Logger.getLogger(TokenResponseEnforcer.class);

    private final KeycloakSession session;
    private final ConfiguredTier tier;

    TokenResponseEnforcer(KeycloakSession session, ConfiguredTier tier) {
        this.session = session;
        this.tier = tier;
    }

    void enforce(AccessTokenResponseBuilder response) throws ClientPolicyException {
        UserSessionModel userSession = response.getClientSessionCtx().getClientSession().getUserSession();
        TokenLifetimeCaps caps = new TokenLifetimeCaps(tier.policy(), Time.currentTime(), authTime(userSession));
        String clientId = response.getClientSessionCtx().getClientSession().getClient().getClientId();

        if (caps.pastAbsoluteDeadline()) {
            LOG.debugf("Refusing tokens for client %s in realm %s: session %s is past the max-lifespan of tier %s",
                    clientId, session.getContext().getRealm().getName(), userSession.getId(), tier.tier().id());
            throw new ClientPolicyException(OAuthErrorException.INVALID_GRANT, "The session is older than the"
                    + " max-lifespan of session tier '" + tier.tier().id() + "'; the user must sign in again");
        }
        RefreshToken refreshToken = response.getRefreshToken();
        if (refreshToken != null && TokenUtil.TOKEN_TYPE_OFFLINE.equals(refreshToken.getType())
                && !tier.policy().offlineAccess()) {
            throw new ClientPolicyException(OAuthErrorException.INVALID_GRANT, "Offline tokens are not allowed for"
                    + " clients in session tier '" + tier.tier().id() + "' (offline-access is false)");
        }

        AccessToken accessToken = response.getAccessToken();
        if (accessToken != null) {
            accessToken.exp(caps.accessTokenExpiry(expiryOf(accessToken)));
        }
        IDToken idToken = response.getIdToken();
        if (idToken != null) {
            idToken.exp(caps.accessTokenExpiry(expiryOf(idToken)));
        }
        if (refreshToken != null) {
            refreshToken.exp(caps.refreshTokenExpiry(expiryOf(refreshToken)));
        }
    }

    /** The user's last authentication; Keycloak keeps it as a session note, re-set on every re-authentication. */
    private static long authTime(UserSessionModel userSession) {
        String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
        return note != null ? Long.parseLong(note) : userSession.getStarted();
    }

    private static long expiryOf(org.keycloak.representations.JsonWebToken token) {
        Long exp = token.getExp();
        return exp == null ? 0 : exp;
    }
}
