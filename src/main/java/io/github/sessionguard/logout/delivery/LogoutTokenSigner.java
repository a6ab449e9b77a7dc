package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.logout.outbox.Notification;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.representations.LogoutToken;
import org.keycloak.util.JsonSerialization;
import org.keycloak.util.TokenUtil;

/**
 * Builds the OpenID Connect Back-Channel Logout 1.0 token of a notification and has Keycloak sign it: the realm's
 * active key for the client's ID-token algorithm, header {@code typ: logout+jwt}. The {@code jti} is the
 * notification's own, so every retry carries the same one; {@code iat} and {@code exp} are fresh for each try.
 */
final class LogoutTokenSigner {

    /** The back-channel logout spec asks for short expiry; two minutes, as Keycloak's own sender uses. */
    private static final long LIFETIME_SECONDS = 120;

    private LogoutTokenSigner() {
    }

    /** @param client the notification's client, as read in {@code session} */
    static String sign(KeycloakSession session, ClientModel client, Notification notification) {
        RealmModel realm = client.getRealm();
        session.getContext().setRealm(realm);
        session.getContext().setClient(client);
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
        return session.tokens().encode(token);
    }
}
