package io.github.sessionguard.testprovider;

import io.github.sessionguard.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Registers {@link ParticipantProbe} at {@code /realms/{realm}/session-guard-test/...}, on test servers only. */
public final class ParticipantProbeFactory implements RealmResourceProviderFactory,
        StatelessProviderFactory<RealmResourceProvider> {

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new ParticipantProbe(session);
    }

    @Override
    public String getId() {
        return "session-guard-test";
    }
}
