package io.github.sessionguard.testprovider;

import io.github.sessionguard.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/**
 * Registers {@link SigningLimit} at {@code POST /realms/{realm}/session-guard-signing/limit/{algorithm}?seconds=N},
 * on test servers only (the benchmark's).
 */
public final class SigningLimitFactory implements RealmResourceProviderFactory,
        StatelessProviderFactory<RealmResourceProvider> {

    public static final String ID = "session-guard-signing";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new SigningLimit(session);
    }

    @Override
    public String getId() {
        return ID;
    }
}
