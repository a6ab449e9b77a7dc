package io.github.sessionguard.tier;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Whether SSO may hand an existing session to a tiered client, or the user must sign in again because their last
 * authentication is older than the tier's reauth-max-age. Keycloak asks its login protocol this on every interactive
 * path (authorization requests, the device flow's verification, CIBA's and the account console's logins), whatever
 * client-policy event was or wasn't raised, so the tier holds wherever a login could be skipped.
 */
public final class Reauthentication {

    private static final Logger LOG = Logger.getLogger(Reauthentication.class);

    private Reauthentication() {
    }

    public static boolean due(KeycloakSession session, UserSessionModel userSession,
            AuthenticationSessionModel authSession) {
        if (userSession == null || authSession.getClient() == null) {
            return false;
        }
        return RequestTier.of(session, authSession.getClient()).map(tier -> {
            long authTime = AuthTime.of(userSession);
            boolean due = authTime + tier.policy().reauthMaxAge() < Time.currentTime();
            if (due) {
                LOG.debugf("Session %s of realm %s is older than the reauth-max-age of tier %s for client %s;"
                        + " the user signs in again", userSession.getId(), userSession.getRealm().getName(),
                        tier.tier().id(), authSession.getClient().getClientId());
            }
            return due;
        }).orElse(false);
    }
}
