package io.github.sessionguard.logout.expiry;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/**
 * Declares the {@code session-guard-expiry-scan} SPI, so that the scan's server options live under
 * {@code --spi-session-guard-expiry-scan--default--} with the scan, not under the events listener's.
 */
public final class ExpiryScanSpi implements Spi {

    public static final String NAME = "session-guard-expiry-scan";

    @Override
    public boolean isInternal() {
        return false;
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public Class<? extends Provider> getProviderClass() {
        return ExpiryScanProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return ExpiryScanProviderFactory.class;
    }
}
