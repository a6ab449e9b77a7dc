package io.github.sessionguard.logout.participants;

import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.services.Urls;

/** Small lookups every session-ending path needs, in one place. */
public final class SessionLookup {

    private SessionLookup() {
    }

    /** The online or offline user session with this id; null once it has ended (or expired). */
    public static UserSessionModel userSession(KeycloakSession session, RealmModel realm, String id, boolean offline) {
        return offline ? session.sessions().getOfflineUserSession(realm, id) : session.sessions().getUserSession(realm, id);
    }

    /** The issuer the client's tokens carry: recorded at login, as Keycloak's own back-channel sender uses it. */
    public static String issuer(KeycloakSession session, RealmModel realm, AuthenticatedClientSessionModel clientSession) {
        String issuer = clientSession.getNote(OIDCLoginProtocol.ISSUER);
        if (issuer == null && session.getContext().getUri() != null) {
            issuer = Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName());
        }
        return issuer;
    }
}
