package io.github.sessionguard.testprovider;

import io.github.sessionguard.StatelessProviderFactory;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;

/**
 * Registers {@link AdminRequestFaults} as a global listener. Keycloak keeps an admin event's listeners in a
 * {@code HashMap} by provider id and calls them in its iteration order: this id's bucket comes before
 * {@code session-guard}'s, so the pause falls between Keycloak's work and Session Guard's (the test checks that the
 * pause happened, and what Session Guard did after it).
 */
public final class AdminRequestFaultsFactory implements EventListenerProviderFactory,
        StatelessProviderFactory<EventListenerProvider> {

    public static final String PAUSE_FILE_HEADER = AdminRequestFaults.PAUSE_FILE_HEADER;
    public static final String FAIL_COMMIT_HEADER = AdminRequestFaults.FAIL_COMMIT_HEADER;

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new AdminRequestFaults(session);
    }

    @Override
    public String getId() {
        return "session-guard-test-pause";
    }

    @Override
    public boolean isGlobal() {
        return true;
    }
}
