package io.github.sessionguard.logout.expiry;

import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The server options of the expiry scan, given as {@code --spi-session-guard-expiry-scan--default--<key>=<value>}.
 * Until the scan had an SPI of its own they were the events listener's
 * ({@code --spi-events-listener--session-guard--expiry-scan-<key>}): a server still configured that way keeps its
 * values, and is told once, at start, which name to use instead. The new name wins where both are set.
 */
public record ExpiryScanSettings(long intervalSeconds, int batchSize) {

    private static final Logger LOG = Logger.getLogger(ExpiryScanSettings.class);

    static final String INTERVAL_SECONDS = "interval-seconds";
    static final String BATCH_SIZE = "batch-size";
    static final long DEFAULT_INTERVAL_SECONDS = 15L;
    static final int DEFAULT_BATCH_SIZE = 1_000;
    /** What the events listener called each option. */
    private static final String FORMER_PREFIX = "expiry-scan-";

    /**
     * @param config the scan's own options
     * @param former the events listener's options, where the scan's were before
     */
    static ExpiryScanSettings from(Config.Scope config, Config.Scope former) {
        long interval = option(config, former, INTERVAL_SECONDS, Config.Scope::getLong, DEFAULT_INTERVAL_SECONDS);
        int batch = option(config, former, BATCH_SIZE, Config.Scope::getInt, DEFAULT_BATCH_SIZE);
        return new ExpiryScanSettings(Math.max(1, interval), Math.max(1, batch));
    }

    private interface Reader<T> {
        T read(Config.Scope scope, String key);
    }

    private static <T> T option(Config.Scope config, Config.Scope former, String key, Reader<T> reader,
            T defaultValue) {
        T value = reader.read(config, key);
        if (value != null) {
            return value;
        }
        T formerValue = reader.read(former, FORMER_PREFIX + key);
        if (formerValue == null) {
            return defaultValue;
        }
        LOG.warnf("The server option --spi-events-listener--session-guard--%s%s is deprecated and will be removed:"
                + " use --spi-%s--%s--%s", FORMER_PREFIX, key, ExpiryScanSpi.NAME, ExpiryScanStarter.PROVIDER_ID, key);
        return formerValue;
    }

    static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name(INTERVAL_SECONDS).type("long").defaultValue(DEFAULT_INTERVAL_SECONDS)
                .helpText("Seconds between two expiry scans on each node (each due participation is settled by one"
                        + " node). Formerly --spi-events-listener--session-guard--expiry-scan-interval-seconds.")
                .add()
                .property().name(BATCH_SIZE).type("int").defaultValue(DEFAULT_BATCH_SIZE)
                .helpText("Due participations one scan looks at, at most; the rest wait for the next scan. Formerly"
                        + " --spi-events-listener--session-guard--expiry-scan-batch-size.")
                .add()
                .build();
    }
}
