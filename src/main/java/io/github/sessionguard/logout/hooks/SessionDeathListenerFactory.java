package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.logout.outbox.OutboxStore;
import io.github.sessionguard.logout.participants.ParticipantStore;
import io.github.sessionguard.logout.participants.SessionLimitLock;
import java.util.stream.Stream;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Hooks the session deaths Keycloak doesn't announce: revocations and admin actions (as a global event listener, so no
 * realm has to switch it on) and user deletion (Keycloak's pre-removal event, in the deleting transaction); and keeps
 * Session Guard's rows from outliving their realm, client or user. The deaths no one announces at all (expiry) are the
 * expiry scan's, which starts on its own ({@code logout.expiry.ExpiryScanStarter}).
 */
public final class SessionDeathListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "session-guard";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new SessionDeathListener(session);
    }

    @Override
    public boolean isGlobal() {
        return true;
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserPreRemovedEvent removing) {
                userRemoving(removing.getKeycloakSession(), removing.getRealm(), removing.getUser());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                new OutboxStore(removed.getKeycloakSession()).purgeRealm(removed.getRealm().getId());
                new ParticipantStore(removed.getKeycloakSession()).purgeRealm(removed.getRealm().getId());
                new SessionLimitLock(removed.getKeycloakSession()).purgeRealm(removed.getRealm().getId());
            } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
                new OutboxStore(removed.getKeycloakSession()).purgeClient(removed.getClient().getId());
                new ParticipantStore(removed.getKeycloakSession()).purgeClient(removed.getClient().getId());
            }
        });
    }

    /**
     * Keycloak removes the user's sessions with the user, silently: each is told here, in the deleting transaction,
     * whatever its tier, since each dies. The user's finished notifications go with the user.
     */
    private static void userRemoving(KeycloakSession session, RealmModel realm, UserModel user) {
        LogoutFunnel funnel = new LogoutFunnel(session);
        Stream.concat(session.sessions().getUserSessionsStream(realm, user),
                        session.sessions().getOfflineUserSessionsStream(realm, user)).toList()
                .forEach(userSession -> funnel.sessionEnded(realm, userSession, DeathReason.USER_DELETED));
        new OutboxStore(session).purgeUser(realm.getId(), user.getId());
        new ParticipantStore(session).purgeUser(realm.getId(), user.getId());
        new SessionLimitLock(session).purgeUser(user.getId());
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
