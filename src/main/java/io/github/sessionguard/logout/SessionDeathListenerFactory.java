package io.github.sessionguard.logout;

import org.keycloak.Config;
import org.keycloak.cluster.ClusterProvider;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.timer.TimerProvider;
import org.jboss.logging.Logger;

/**
 * Hooks the session deaths Keycloak doesn't announce: admin actions (as a global event listener, so no realm has to
 * switch it on), user deletion (Keycloak's pre-removal event, in the deleting transaction), and expiry (a scan that
 * runs on one node of the cluster per interval, {@code --spi-events-listener--session-guard--expiry-scan-interval-seconds}).
 */
public final class SessionDeathListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "session-guard";
    private static final Logger LOG = Logger.getLogger(SessionDeathListenerFactory.class);
    private static final String SCAN_TASK = "session-guard-expiry-scan";

    private long scanIntervalSeconds;
    private int scanBatchSize;

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
                new SessionDeaths(removing.getKeycloakSession()).userRemoving(removing.getRealm(), removing.getUser());
            }
        });
        KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(TimerProvider.class)
                .schedule(() -> scan(factory), scanIntervalSeconds * 1000, SCAN_TASK));
    }

    private void scan(KeycloakSessionFactory factory) {
        try {
            KeycloakModelUtils.runJobInTransaction(factory, session -> session.getProvider(ClusterProvider.class)
                    .executeIfNotExecuted(SCAN_TASK, (int) scanIntervalSeconds,
                            () -> new ExpiryScan(session, scanBatchSize).run()));
        } catch (RuntimeException e) {
            LOG.warnf("Expiry scan failed, will run again in %d s: %s", scanIntervalSeconds, e.getMessage());
            LOG.debug("Expiry scan failure", e);
        }
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
