package io.github.sessionguard.logout.hooks;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;

/** Registers {@link ParticipantRecorder} with Keycloak's token post-processing (internal SPI token-interceptor). */
public final class ParticipantRecorderFactory implements TokenPostProcessorFactory {

    public static final String PROVIDER_ID = "session-guard-participants";

    @Override
    public TokenPostProcessor create(KeycloakSession session) {
        return new ParticipantRecorder(session);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
