package io.github.sessionguard.logout;

import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Reacts to the admin actions after which Keycloak keeps a user's sessions, or drops them unannounced: a password
 * reset and disabling a user end the sessions whose tier asks for it; "sign out all sessions" tells every recorded
 * participant of the realm's sessions. Work runs in a transaction of its own.
 */
final class SessionDeathListener implements EventListenerProvider {

    private final KeycloakSession session;

    SessionDeathListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        // User events need nothing: the paths they stand for reach the outbox through the OIDC protocol.
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        String path = event.getResourcePath() == null ? "" : event.getResourcePath();
        OperationType operation = event.getOperationType();
        if (event.getResourceType() == ResourceType.USER && path.startsWith("users/")) {
            String[] parts = path.split("/");
            if (operation == OperationType.ACTION && parts.length == 3 && parts[2].equals("reset-password")) {
                inOwnTransaction(event, (realm, deaths) -> endSessionsOfUser(realm, deaths, parts[1],
                        EndReason.CREDENTIAL_CHANGED));
            } else if (operation == OperationType.UPDATE && parts.length == 2 && isDisabled(event, parts[1])) {
                inOwnTransaction(event, (realm, deaths) -> endSessionsOfUser(realm, deaths, parts[1],
                        EndReason.USER_DISABLED));
            }
        } else if (operation == OperationType.ACTION && path.endsWith("logout-all")) {
            inOwnTransaction(event, (realm, deaths) -> deaths.realmSignedOut(realm));
        }
    }

    private void endSessionsOfUser(RealmModel realm, SessionDeaths deaths, String userId, EndReason reason) {
        UserModel user = deaths.user(realm, userId);
        if (user != null) {
            deaths.endSessionsOf(realm, user, reason);
        }
    }

    /** Read in the admin request's own transaction: the update that disabled the user is not committed yet. */
    private boolean isDisabled(AdminEvent event, String userId) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        return user != null && !user.isEnabled();
    }

    private interface RealmWork {
        void run(RealmModel realm, SessionDeaths deaths);
    }

    private void inOwnTransaction(AdminEvent event, RealmWork work) {
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), own -> {
            RealmModel realm = own.realms().getRealm(event.getRealmId());
            if (realm != null) {
                own.getContext().setRealm(realm);
                work.run(realm, new SessionDeaths(own));
            }
        });
    }

    @Override
    public void close() {
    }
}
