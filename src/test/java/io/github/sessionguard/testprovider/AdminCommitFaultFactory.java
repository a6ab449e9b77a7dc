package io.github.sessionguard.testprovider;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** Registers {@link AdminCommitFault} as a global listener: it acts only on requests that carry its header. */
public final class AdminCommitFaultFactory implements EventListenerProviderFactory {

    public static final String FAIL_COMMIT_HEADER = AdminCommitFault.FAIL_COMMIT_HEADER;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AdminCommitFault(session);
    }

    @Override
    public void init(Config.Scope config) {
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
    }

    @Override
    public void close() {
    }

    @Override
    public String getId() {
        return "session-guard-test-commit-fault";
    }

    @Override
    public boolean isGlobal() {
        return true;
    }
}
