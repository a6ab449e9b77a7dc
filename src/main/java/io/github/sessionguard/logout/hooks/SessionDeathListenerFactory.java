package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.outbox.EndReason;
import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.Workers;
import io.github.sessionguard.logout.expiry.ExpiryScan;
import io.github.sessionguard.logout.outbox.OutboxStore;
import io.github.sessionguard.logout.participants.ParticipantStore;
import java.util.Set;
import java.util.stream.Stream;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * Hooks the session deaths Keycloak doesn't announce: revocations and admin actions (as a global event listener, so no
 * realm has to switch it on) and user deletion (Keycloak's pre-removal event, in the deleting transaction); and keeps
 * Session Guard's rows from outliving their realm, client or user. It also starts the expiry scan
 * ({@code --spi-events-listener--session-guard--expiry-scan-interval-seconds}).
 */
public final class SessionDeathListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "session-guard";

    private long scanIntervalSeconds;
    private int scanBatchSize;
    private ExpiryScan.Schedule scan;

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
        scanIntervalSeconds = config.getLong("expiry-scan-interval-seconds", 15L);
        scanBatchSize = config.getInt("expiry-scan-batch-size", 1_000);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        factory.register(event -> {
            if (event instanceof UserModel.UserPreRemovedEvent removing) {
                userRemoving(removing.getKeycloakSession(), removing.getRealm(), removing.getUser());
            } else if (event instanceof RealmModel.RealmRemovedEvent removed) {
                new OutboxStore(removed.getKeycloakSession()).purgeRealm(removed.getRealm().getId());
                new ParticipantStore(removed.getKeycloakSession()).purgeRealm(removed.getRealm().getId());
            } else if (event instanceof ClientModel.ClientRemovedEvent removed) {
                new OutboxStore(removed.getKeycloakSession()).purgeClient(removed.getClient().getId());
                new ParticipantStore(removed.getKeycloakSession()).purgeClient(removed.getClient().getId());
            }
        });
        if (Workers.allowed()) {
            scan = ExpiryScan.schedule(factory, scanIntervalSeconds, scanBatchSize);
        }
    }

    /**
     * Keycloak removes the user's sessions with the user, silently: each is told here, in the deleting transaction,
     * whatever its tier, since each dies. The user's finished notifications go with the user.
     */
    private static void userRemoving(KeycloakSession session, RealmModel realm, UserModel user) {
        LogoutFunnel funnel = new LogoutFunnel(session);
        Stream.concat(session.sessions().getUserSessionsStream(realm, user),
                        session.sessions().getOfflineUserSessionsStream(realm, user)).toList()
                .forEach(userSession -> funnel.sessionEnded(realm, userSession, EndReason.USER_DELETED));
        new OutboxStore(session).purgeUser(realm.getId(), user.getId());
        new ParticipantStore(session).purgeUser(realm.getId(), user.getId());
    }

    /**
     * Keycloak closes a factory before those it depends on: the workers stop while the database is still open, so
     * that the a scan in progress settles its rows before the server goes.
     */
    @Override
    public Set<Class<? extends Provider>> dependsOn() {
        return Set.of(JpaConnectionProvider.class);
    }

    @Override
    public void close() {
        if (scan != null) {
            scan.cancel();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
