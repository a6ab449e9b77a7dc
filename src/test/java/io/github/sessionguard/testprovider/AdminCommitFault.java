package io.github.sessionguard.testprovider;

import jakarta.ws.rs.core.HttpHeaders;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/**
 * Test-only: makes an admin request's transaction fail when it commits, after Keycloak and every listener (Session
 * Guard's included) did their work, as a database that refuses the commit would. Only a request that carries
 * {@link #FAIL_COMMIT_HEADER} is affected, so the other tests on the shared server never are.
 */
final class AdminCommitFault implements EventListenerProvider {

    static final String FAIL_COMMIT_HEADER = "X-Session-Guard-Test-Fail-Commit";

    private final KeycloakSession session;

    AdminCommitFault(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        if (headers == null || headers.getHeaderString(FAIL_COMMIT_HEADER) == null) {
            return;
        }
        // A prepare-phase participant fails first, and Keycloak then rolls back the whole request.
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                throw new IllegalStateException("Test fault: the admin request's commit fails");
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }

    @Override
    public void close() {
    }
}
