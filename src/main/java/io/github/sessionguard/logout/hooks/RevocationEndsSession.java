package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.SessionEnder;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierPolicy;
import org.keycloak.events.Details;
import org.keycloak.events.Event;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.util.TokenUtil;

/**
 * A mobile app's logout is usually an RFC 7009 revocation of its refresh token. Keycloak only detaches that client
 * from the session; where the client's tier has {@code revocation-ends-session}, the whole user session ends here and
 * every other client of it is told. Keycloak announces every successful revocation with a {@code REVOKE_GRANT} event,
 * inside the request, whatever condition put the client in its tier; the tier is the request's one tier.
 */
final class RevocationEndsSession {

    private final KeycloakSession session;

    RevocationEndsSession(KeycloakSession session) {
        this.session = session;
    }

    void revoked(Event event) {
        // Only a refresh token's revocation names its type; Keycloak revokes an access token alone, with no session.
        String tokenType = event.getDetails() == null ? null : event.getDetails().get(Details.REFRESH_TOKEN_TYPE);
        if (tokenType == null || event.getSessionId() == null) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        ClientModel client = realm == null ? null : realm.getClientByClientId(event.getClientId());
        if (client != null && RequestTier.ofDeath(session, client).map(TierPolicy::revocationEndsSession)
                .orElse(false)) {
            new SessionEnder(session).end(event.getSessionId(), TokenUtil.TOKEN_TYPE_OFFLINE.equals(tokenType),
                    DeathReason.TOKEN_REVOKED);
        }
    }
}
