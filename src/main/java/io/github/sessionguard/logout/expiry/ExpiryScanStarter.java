package io.github.sessionguard.logout.expiry;

import io.github.sessionguard.Workers;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.keycloak.Config;
import org.keycloak.connections.jpa.JpaConnectionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ServerInfoAwareProviderFactory;

/**
 * Runs the {@link ExpiryScan} on this node from server start to stop, with the options
 * {@code --spi-session-guard-expiry-scan--default--interval-seconds} and {@code --...--batch-size}. The options'
 * earlier names under the events listener still apply, with a warning (see {@link ExpiryScanSettings}). The admin
 * console's server info shows the settings in force.
 */
public final class ExpiryScanStarter implements ExpiryScanProviderFactory, ServerInfoAwareProviderFactory {

    public static final String PROVIDER_ID = "default";
    /** Where the options lived before the scan had an SPI of its own: the events listener that started it. */
    private static final String[] FORMER_SCOPE = {"events-listener", "session-guard"};

    private ExpiryScanSettings settings;
    private ExpiryScan.Schedule scan;

    @Override
    public ExpiryScanProvider create(KeycloakSession session) {
        return () -> {
        };
    }

    @Override
    public void init(Config.Scope config) {
        settings = ExpiryScanSettings.from(config, Config.scope(FORMER_SCOPE));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (Workers.allowed()) {
            scan = ExpiryScan.schedule(factory, settings.intervalSeconds(), settings.batchSize());
        }
    }

    /**
     * Keycloak closes a factory before those it depends on: the scan stops while the database is still open, so that
     * a scan in progress settles its rows before the server goes.
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

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ExpiryScanSettings.metadata();
    }

    @Override
    public Map<String, String> getOperationalInfo() {
        return Map.of(ExpiryScanSettings.INTERVAL_SECONDS, String.valueOf(settings.intervalSeconds()),
                ExpiryScanSettings.BATCH_SIZE, String.valueOf(settings.batchSize()),
                "running", String.valueOf(scan != null));
    }
}
