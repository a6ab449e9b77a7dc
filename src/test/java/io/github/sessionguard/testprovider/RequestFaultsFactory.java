package io.github.sessionguard.testprovider;

import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorFactory;

/** Registers {@link RequestFaults}; it is packaged in a jar of its own that only the test servers get. */
public final class RequestFaultsFactory implements TokenPostProcessorFactory {

    /** Header names for the tests that use it. */
    public static final String DELAY_HEADER = RequestFaults.DELAY_HEADER;
    public static final String FAIL_HEADER = RequestFaults.FAIL_HEADER;
    public static final String SIGNAL_FILE_HEADER = RequestFaults.SIGNAL_FILE_HEADER;

    @Override
    public TokenPostProcessor create(KeycloakSession session) {
        return new RequestFaults(session);
    }

    @Override
    public String getId() {
        return "session-guard-test-faults";
    }

    /** Post-processors run in descending order: this one after Session Guard's. */
    @Override
    public int order() {
        return -100;
    }
}
