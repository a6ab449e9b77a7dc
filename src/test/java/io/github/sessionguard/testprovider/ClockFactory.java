package io.github.sessionguard.testprovider;

import io.github.sessionguard.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Registers {@link Clock} at {@code /realms/{realm}/session-guard-clock/offset}, on test servers only. */
public final class ClockFactory implements RealmResourceProviderFactory,
        StatelessProviderFactory<RealmResourceProvider> {

    /** One clock per server, whichever realm's path reaches it. */
    public static final String PATH = "/realms/master/session-guard-clock/offset";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new Clock();
    }

    @Override
    public String getId() {
        return "session-guard-clock";
    }
}
