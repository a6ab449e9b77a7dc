package io.github.sessionguard.testprovider;

import io.github.sessionguard.StatelessProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.SingleUseObjectProvider;
import org.keycloak.models.SingleUseObjectProviderFactory;

/**
 * Registers {@link StoreFaults} as the server's single-use object store, in front of Keycloak's own ({@code
 * infinispan}, order 1): Keycloak makes the factory with the highest order the default.
 */
public final class StoreFaultsFactory implements SingleUseObjectProviderFactory<StoreFaults>,
        StatelessProviderFactory<StoreFaults> {

    public static final String FAIL_GRACE_WRITE_HEADER = StoreFaults.FAIL_GRACE_WRITE_HEADER;
    private static final String KEYCLOAKS_STORE = "infinispan";

    @Override
    public StoreFaults create(KeycloakSession session) {
        return new StoreFaults(session, session.getProvider(SingleUseObjectProvider.class, KEYCLOAKS_STORE));
    }

    @Override
    public String getId() {
        return "session-guard-test-faults";
    }

    @Override
    public int order() {
        return 100;
    }
}
