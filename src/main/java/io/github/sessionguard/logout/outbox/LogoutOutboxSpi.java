package io.github.sessionguard.logout.outbox;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Declares the {@code session-guard-outbox} SPI, so its server options live under {@code --spi-session-guard-outbox-}. */
public final class LogoutOutboxSpi implements Spi {

    public static final String NAME = "session-guard-outbox";

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
        return LogoutOutboxProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return LogoutOutboxProviderFactory.class;
    }
}
