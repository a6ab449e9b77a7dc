package io.github.sessionguard.testprovider;

import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/**
 * Test-only faults of an admin request, each switched on by a request header, so the other tests on the shared server
 * never see them:
 * <ul>
 * <li>{@link #PAUSE_FILE_HEADER} holds the request after Keycloak has done its work and raised its admin event, but
 * before Session Guard's listener sees the event and before the request's transaction commits, so that a test can land
 * a login in that window (a realm sign-out that races a login). This listener creates that file, then waits until the
 * test creates the same path with ".go" appended.</li>
 * <li>{@link #FAIL_COMMIT_HEADER} makes the request's transaction fail when it commits, after Keycloak and every
 * listener (Session Guard's included) did their work, as a database that refuses the commit would.</li>
 * </ul>
 */
final class AdminRequestFaults implements EventListenerProvider {

    static final String PAUSE_FILE_HEADER = "X-Session-Guard-Test-Pause-File";
    static final String FAIL_COMMIT_HEADER = "X-Session-Guard-Test-Fail-Commit";
    private static final long MAX_PAUSE_MILLIS = 60_000;

    private final KeycloakSession session;

    AdminRequestFaults(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        if (headers == null) {
            return;
        }
        if (headers.getHeaderString(FAIL_COMMIT_HEADER) != null) {
            failTheCommit();
        }
        String pauseFile = headers.getHeaderString(PAUSE_FILE_HEADER);
        if (pauseFile == null) {
            return;
        }
        Path paused = Path.of(pauseFile);
        Path go = Path.of(pauseFile + ".go");
        try {
            Files.writeString(paused, "paused");
            long end = System.currentTimeMillis() + MAX_PAUSE_MILLIS;
            while (!Files.exists(go) && System.currentTimeMillis() < end) {
                Thread.sleep(50);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A prepare-phase participant fails first, and Keycloak then rolls back the whole request. */
    private void failTheCommit() {
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
