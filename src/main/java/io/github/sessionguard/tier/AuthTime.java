package io.github.sessionguard.tier;

import org.keycloak.models.UserSessionModel;
import org.keycloak.services.managers.AuthenticationManager;

/** The user's last authentication, from which a tier counts max-lifespan and reauth-max-age. */
public final class AuthTime {

    private AuthTime() {
    }

    /** Keycloak keeps it as a session note, re-set on every re-authentication; the session's start otherwise. */
    public static long of(UserSessionModel userSession) {
        String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
        return note != null ? Long.parseLong(note) : userSession.getStarted();
    }
}
