package io.github.sessionguard.logout.delivery;

import io.github.sessionguard.Workers;
import io.github.sessionguard.logout.outbox.DefaultLogoutOutboxProvider;
import io.github.sessionguard.logout.outbox.LogoutOutboxProvider;
import io.github.sessionguard.logout.outbox.LogoutOutboxProviderFactory;
import java.util.List;
import java.util.Set;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Reads the outbox's server options and runs its delivery worker from server start to stop; hands the outbox's writer
 * the worker's wake-up. It lives with the worker, not with the writer, so that the outbox never depends on the room
 * that reads it. Options are kept in instance fields: one factory per server, and nothing here needs to hold across a
 * cluster (the table does).
 */
public final class DefaultLogoutOutboxProviderFactory implements LogoutOutboxProviderFactory {

    public static final String PROVIDER_ID = "default";

    private OutboxSettings settings;
    private LogoutDeliveryWorker worker;
    /** The worker's wake-up, made once; null while no worker runs, which switches the outbox off. */
    private Runnable wakeUpDelivery;

    @Override
    public LogoutOutboxProvider create(KeycloakSession session) {
        return new DefaultLogoutOutboxProvider(session, wakeUpDelivery);
    }

    @Override
    public void init(Config.Scope config) {
        settings = OutboxSettings.from(config);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (settings.enabled() && Workers.allowed()) {
            worker = new LogoutDeliveryWorker(factory, settings);
            worker.start();
            wakeUpDelivery = worker::rowsQueued;
        }
    }

    /**
     * Keycloak closes a factory before those it depends on: the workers stop while the database is still open, so
     * that the deliveries in flight are recorded before the server goes.
     */
    @Override
    public Set<Class<? extends Provider>> dependsOn() {
        return Set.of(JpaConnectionProvider.class);
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.stop();
        }
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return OutboxSettings.metadata();
    }
}
