package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.SessionEnder;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.participants.Participant;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.logout.participants.SessionLookup;
import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierPolicy;
import java.util.List;
import org.keycloak.common.Profile;
import org.keycloak.common.util.Time;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.UserSessionModel;

/**
 * Catches the actions after which Keycloak keeps a user's sessions, or drops them unannounced, and hands them to the
 * funnel: a revocation ends the session where the client's tier asks for it; in the admin request's transaction, a
 * password reset and disabling a user end the sessions whose tier asks for it, and "sign out all sessions" tells
 * exactly the sessions (online and offline) the admin request removed. A change to a client (its settings, its client scopes) makes its
 * participations due, for the scan to settle by the tier in force.
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
        // Of the user events, only a revocation can leave a session to end here; the session deaths the others stand
        // for reach the funnel through the OIDC protocol.
        if (event.getType() == EventType.REVOKE_GRANT) {
            new RevocationEndsSession(session).revoked(event);
        }
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        String path = event.getResourcePath() == null ? "" : event.getResourcePath();
        OperationType operation = event.getOperationType();
        if (event.getResourceType() == ResourceType.USER && path.startsWith("users/")) {
            String[] parts = path.split("/");
            if (operation == OperationType.ACTION && parts.length == 3 && parts[2].equals("reset-password")) {
                endSessionsOfUser(event, parts[1], DeathReason.CREDENTIAL_CHANGED);
            } else if (operation == OperationType.UPDATE && parts.length == 2 && isDisabled(event, parts[1])) {
                endSessionsOfUser(event, parts[1], DeathReason.USER_DISABLED);
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

    /**
     * In the admin request's own transaction: the sessions end, and their relying parties and the user are told,
     * with the admin's change or not at all. An admin request that fails at its commit reset no password and
     * disabled no one, so it must sign no one out.
     */
    private void endSessionsOfUser(AdminEvent event, String userId, DeathReason reason) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
        if (user != null) {
            SessionEnder.endSessionsOf(session, realm, user,
                    userSession -> tierAsksToEnd(session, userSession), reason);
        }
    }

    /**
     * Keycloak removed every session of the realm in this transaction, naming none: the online ones, and (measured on
     * 26.7.3, although its admin console speaks of sessions) the offline ones with them. A participation whose session
     * this transaction no longer sees was removed with them: it is told, committed with the removal, a page at a time,
     * once per client for an online session and its offline twin. A login that lands meanwhile has a session this
     * transaction sees, and is left alone.
     */
    private void realmSignedOut(RealmModel realm) {
        LogoutFunnel funnel = new LogoutFunnel(session);
        ParticipantStore participants = new ParticipantStore(session);
        boolean persistentSessions = Profile.isFeatureEnabled(Profile.Feature.PERSISTENT_USER_SESSIONS);
        for (boolean offline : new boolean[] {false, true}) {
            signedOut(realm, offline, funnel, participants, persistentSessions);
        }
    }

    private void signedOut(RealmModel realm, boolean offline, LogoutFunnel funnel, ParticipantStore participants,
            boolean persistentSessions) {
        String after = "";
        List<Participant> page;
        do {
            page = persistentSessions
                    ? participants.ofRealmWithoutSession(realm.getId(), offline, after, REALM_SIGN_OUT_BATCH)
                    : participants.ofRealm(realm.getId(), offline, after, REALM_SIGN_OUT_BATCH);
            funnel.sessionsAlreadyEnded(realm, page.stream().filter(participant -> persistentSessions
                    || SessionLookup.userSession(session, realm, participant.userSessionId(), offline) == null)
                    .toList(), DeathReason.REALM_SIGN_OUT);
            after = page.isEmpty() ? after : page.get(page.size() - 1).id();
        } while (page.size() == REALM_SIGN_OUT_BATCH);
    }

    private static boolean tierAsksToEnd(KeycloakSession session, UserSessionModel userSession) {
        return userSession.getAuthenticatedClientSessions().values().stream()
                .map(AuthenticatedClientSessionModel::getClient)
                .distinct()
                .map(client -> RequestTier.ofDeath(session, client))
                .anyMatch(policy -> policy.map(TierPolicy::endSessionsOnCredentialChange).orElse(false));
    }

    @Override
    public void close() {
    }
}
