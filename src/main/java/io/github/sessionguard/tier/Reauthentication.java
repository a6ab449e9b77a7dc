package io.github.sessionguard.tier;

import java.util.OptionalLong;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Whether SSO may hand an existing session to a tiered client, or the user must sign in again: because their last
 * authentication is older than the tier's reauth-max-age, or (with reauth-after-idle) because this client's own last
 * use of the session is older than the tier's idle-timeout, however active the user's other clients kept it. Keycloak
 * asks its login protocol this on every interactive path (authorization requests, the device flow's verification,
 * CIBA's and the account console's logins), whatever client-policy event was or wasn't raised, so the tier holds
 * wherever a login could be skipped.
 */
public final class Reauthentication {

    private static final Logger LOG = Logger.getLogger(Reauthentication.class);

    private Reauthentication() {
    }

    public static boolean due(KeycloakSession session, UserSessionModel userSession,
            AuthenticationSessionModel authSession) {
        ClientModel client = authSession.getClient();
        if (userSession == null || client == null) {
            return false;
        }
        return RequestTier.of(session, client).map(tier -> {
            long now = Time.currentTime();
            if (AuthTime.of(userSession) + tier.policy().reauthMaxAge() < now) {
                LOG.debugf("Session %s of realm %s is older than the reauth-max-age of tier %s for client %s;"
                        + " the user signs in again", userSession.getId(), userSession.getRealm().getName(),
                        tier.tier().id(), client.getClientId());
                return true;
            }
            return tier.policy().reauthAfterIdle() && idledOut(userSession, client, tier, now);
        }).orElse(false);
    }

    /** A client with no part in the session yet has no idle of its own: its first use is SSO's to serve. */
    private static boolean idledOut(UserSessionModel userSession, ClientModel client, ConfiguredTier tier, long now) {
        OptionalLong lastUse = ClientLastUse.of(userSession, client);
        // Idle from the second its refresh token expires, as the expiry scan counts it.
        boolean idle = lastUse.isPresent() && lastUse.getAsLong() + tier.policy().idleTimeout() <= now;
        if (idle) {
            LOG.debugf("Client %s last used session %s of realm %s %d s ago, past the idle-timeout of tier %s;"
                    + " the user signs in again", client.getClientId(), userSession.getId(),
                    userSession.getRealm().getName(), now - lastUse.getAsLong(), tier.tier().id());
        }
        return idle;
    }
}
