package io.github.sessionguard.enforce;

import io.github.sessionguard.logout.EndReason;
import io.github.sessionguard.logout.SessionTerminator;
import io.github.sessionguard.tier.ConfiguredTier;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.RefreshToken;
import org.keycloak.services.clientpolicy.context.TokenRevokeResponseContext;
import org.keycloak.util.TokenUtil;

/**
 * A mobile app's logout is usually an RFC 7009 revocation of its refresh token. Keycloak only detaches that client
 * from the session; with {@code revocation-ends-session} the whole user session ends, and every other client of it is
 * told through back-channel logout.
 */
final class RevocationEnforcer {

    private final KeycloakSession session;
    private final ConfiguredTier tier;

    RevocationEnforcer(KeycloakSession session, ConfiguredTier tier) {
        this.session = session;
        this.tier = tier;
    }

    void enforce(TokenRevokeResponseContext context) {
        if (!tier.policy().revocationEndsSession()) {
            return;
        }
        // Keycloak has verified and revoked this token already; decoding checks its signature once more.
        RefreshToken token = session.tokens().decode(context.getParams().getFirst("token"), RefreshToken.class);
        boolean refreshToken = token != null && (TokenUtil.TOKEN_TYPE_REFRESH.equals(token.getType())
                || TokenUtil.TOKEN_TYPE_OFFLINE.equals(token.getType()));
        if (!refreshToken || token.getSessionId() == null
                || !context.getClient().getClientId().equals(token.getIssuedFor())) {
            return;
        }
        new SessionTerminator(session).end(token.getSessionId(), TokenUtil.TOKEN_TYPE_OFFLINE.equals(token.getType()),
                EndReason.TOKEN_REVOKED);
    }
}
