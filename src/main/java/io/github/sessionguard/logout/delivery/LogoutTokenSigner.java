package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.Notification;
import org.keycloak.common.util.Time;
import org.keycloak.crypto.SignatureProvider;
import org.keycloak.crypto.SignatureSignerContext;
import org.keycloak.jose.jws.JWSBuilder;
import org.keycloak.models.KeycloakSession;
import org.keycloak.representations.LogoutToken;
import org.keycloak.util.JsonSerialization;
import org.keycloak.util.TokenUtil;

/**
 * Builds the OpenID Connect Back-Channel Logout 1.0 tokens of a realm's notifications for one algorithm and signs
 * them as Keycloak's {@code session.tokens().encode} does: the realm's active key for the client's ID-token algorithm,
 * header {@code typ: logout+jwt}. The key is looked up once, when the signer is made ({@link RecentSigners} says for
 * how long it is kept), not once per token; the signer holds no session and serves any thread. The {@code jti} is the
 * notification's own, so every retry carries the same one; {@code iat} and {@code exp} are fresh for each try.
 */
final class LogoutTokenSigner {

    /** The back-channel logout spec asks for short expiry; two minutes, as Keycloak's own sender uses. */
    private static final long LIFETIME_SECONDS = 120;

    private final SignatureSignerContext signer;

    private LogoutTokenSigner(SignatureSignerContext signer) {
        this.signer = signer;
    }

    /**
     * @param session   a session whose context has the realm of the notifications
     * @param algorithm the client's logout-token algorithm ({@link RecentSigners} reads it)
     */
    static LogoutTokenSigner of(KeycloakSession session, String algorithm) {
        return new LogoutTokenSigner(session.getProvider(SignatureProvider.class, algorithm).signer());
    }

    String sign(Notification notification) {
        LogoutToken token = new LogoutToken();
        token.id(notification.jti());
        token.issuedNow();
        token.exp(Time.currentTime() + LIFETIME_SECONDS);
        token.issuer(notification.issuer());
        token.addAudience(notification.clientId());
        token.subject(notification.userId());
        token.putEvents(TokenUtil.TOKEN_BACKCHANNEL_LOGOUT_EVENT, JsonSerialization.createObjectNode());
        if (notification.includeSid()) {
            token.setSid(notification.userSessionId());
        }
        if (notification.revokeOfflineTokens()) {
            token.putEvents(TokenUtil.TOKEN_BACKCHANNEL_LOGOUT_EVENT_REVOKE_OFFLINE_TOKENS, true);
        }
        return new JWSBuilder().type(TokenUtil.TOKEN_TYPE_JWT_LOGOUT_TOKEN).jsonContent(token).sign(signer);
    }
}
