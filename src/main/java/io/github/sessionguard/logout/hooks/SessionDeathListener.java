package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.EndReason;
import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.SessionTerminator;
import io.github.sessionguard.logout.participants.Participant;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.tier.ClientTierResolver;
import io.github.sessionguard.tier.TierPolicy;
import java.util.List;
import org.keycloak.common.Profile;
import org.keycloak.common.util.Time;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Catches the admin actions after which Keycloak keeps a user's sessions, or drops them unannounced, and hands them to
 * the funnel: a password reset and disabling a user end the sessions whose tier asks for it (in a transaction of
 * their own); "sign out all sessions" tells exactly the sessions the admin request removed, in that request's
 * transaction. A change to a client (its settings, its client scopes) makes its participations due, for the scan to
 * settle by the tier in force.
 */
final class SessionDeathListener implements EventListenerProvider {

    /** Participations of the realm read at once during a realm sign-out. */
    static final int REALM_SIGN_OUT_BATCH = 500;

    private final KeycloakSession session;

    SessionDeathListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        // User events need nothing: the paths they stand for reach the funnel through the OIDC protocol.
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        String path = event.getResourcePath() == null ? "" : event.getResourcePath();
        OperationType operation = event.getOperationType();
        if (event.getResourceType() == ResourceType.USER && path.startsWith("users/")) {
            String[] parts = path.split("/");
            if (operation == OperationType.ACTION && parts.length == 3 && parts[2].equals("reset-password")) {
                endSessionsOfUser(event, parts[1], EndReason.CREDENTIAL_CHANGED);
            } else if (operation == OperationType.UPDATE && parts.length == 2 && isDisabled(event, parts[1])) {
                endSessionsOfUser(event, parts[1], EndReason.USER_DISABLED);
            }
        } else if (operation == OperationType.ACTION && path.endsWith("logout-all")) {
            RealmModel realm = session.realms().getRealm(event.getRealmId());
            if (realm != null) {
                realmSignedOut(realm);
            }
        } else if (mayChangeTheClientsTier(event, path)) {
            // Its tier may be stricter now: the scan looks at its sessions by the tier in force, not at the look the
            // old tier scheduled. Committed with the admin's change.
            new ParticipantStore(session).pullForwardClient(path.split("/")[1], Time.currentTime());
        }
    }

    /** An update of the client itself, or a client scope added to it or taken from it (the tier scopes). */
    private static boolean mayChangeTheClientsTier(AdminEvent event, String path) {
        if (!path.startsWith("clients/") || path.split("/").length < 2) {
            return false;
        }
        return (event.getResourceType() == ResourceType.CLIENT && event.getOperationType() == OperationType.UPDATE)
                || event.getResourceType() == ResourceType.CLIENT_SCOPE_CLIENT_MAPPING;
    }

    /** Read in the admin request's own transaction: the update that disabled the user is not committed yet. */
    private boolean isDisabled(AdminEvent event, String userId) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        return user != null && !user.isEnabled();
    }

    private void endSessionsOfUser(AdminEvent event, String userId, EndReason reason) {
        KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), session.getContext(), own -> {
            RealmModel realm = own.realms().getRealm(event.getRealmId());
            UserModel user = realm == null ? null : own.users().getUserById(realm, userId);
            if (user != null) {
                own.getContext().setRealm(realm);
                SessionTerminator.endSessionsOf(own, realm, user, userSession -> tierAsksToEnd(own, realm,
                        userSession), reason);
            }
        });
    }

    /**
     * Keycloak removed every online session of the realm in this transaction, naming none. A participation whose
     * session this transaction no longer sees was removed with them: it is told, committed with the removal, a page
     * at a time. A login that lands meanwhile has a session this transaction sees, and is left alone.
     */
    private void realmSignedOut(RealmModel realm) {
        ParticipantStore participants = new ParticipantStore(session);
        LogoutFunnel funnel = new LogoutFunnel(session);
        boolean persistentSessions = Profile.isFeatureEnabled(Profile.Feature.PERSISTENT_USER_SESSIONS);
        String after = "";
        List<Participant> page;
        do {
            page = persistentSessions
                    ? participants.onlineOfRealmWithoutSession(realm.getId(), after, REALM_SIGN_OUT_BATCH)
                    : participants.onlineOfRealm(realm.getId(), after, REALM_SIGN_OUT_BATCH);
            for (Participant participant : page) {
                if (persistentSessions
                        || session.sessions().getUserSession(realm, participant.userSessionId()) == null) {
                    funnel.sessionGone(realm, participant, EndReason.REALM_SIGN_OUT);
                }
            }
            after = page.isEmpty() ? after : page.get(page.size() - 1).id();
        } while (page.size() == REALM_SIGN_OUT_BATCH);
    }

    static boolean tierAsksToEnd(KeycloakSession session, RealmModel realm, UserSessionModel userSession) {
        ClientTierResolver resolver = new ClientTierResolver(session);
        return userSession.getAuthenticatedClientSessions().values().stream()
                .map(AuthenticatedClientSessionModel::getClient)
                .distinct()
                .map(client -> resolver.resolve(realm, client).policy())
                .anyMatch(policy -> policy.map(TierPolicy::endSessionsOnCredentialChange).orElse(false));
    }

    @Override
    public void close() {
    }
}
