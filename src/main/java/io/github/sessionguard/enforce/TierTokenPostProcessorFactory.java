package io.github.sessionguard.enforce;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;

/** Registers {@link TierTokenPostProcessor} with Keycloak's token post-processing (internal SPI token-interceptor). */
public final class TierTokenPostProcessorFactory implements TokenPostProcessorFactory {

    public static final String PROVIDER_ID = "session-guard-tier";

    @Override
    public TokenPostProcessor create(KeycloakSession session) {
        return new TierTokenPostProcessor(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
