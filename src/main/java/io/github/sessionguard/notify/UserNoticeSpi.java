package io.github.sessionguard.notify;

import org.keycloak.provider.Provider;
import org.keycloak.provider.ProviderFactory;
import org.keycloak.provider.Spi;

/** Declares the {@code session-guard-notify} SPI, so its server options live under {@code --spi-session-guard-notify-}. */
public final class UserNoticeSpi implements Spi {

    public static final String NAME = "session-guard-notify";

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
        return UserNoticeProvider.class;
    }

    @Override
    public Class<? extends ProviderFactory> getProviderFactoryClass() {
        return UserNoticeProviderFactory.class;
    }
}
