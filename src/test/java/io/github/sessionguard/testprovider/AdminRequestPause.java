package io.github.sessionguard.testprovider;

import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;

/**
 * Test-only: holds an admin request after Keycloak has done its work and raised its admin event, but before Session
 * Guard's listener sees the event and before the request's transaction commits, so that a test can land a login in
 * that window (a realm sign-out that races a login). Only a request that carries {@link #PAUSE_FILE_HEADER} is held:
 * this listener creates that file, then waits until the test creates the same path with ".go" appended.
 */
final class AdminRequestPause implements EventListenerProvider {

    static final String PAUSE_FILE_HEADER = "X-Session-Guard-Test-Pause-File";
    private static final long MAX_PAUSE_MILLIS = 60_000;

    private final KeycloakSession session;

    AdminRequestPause(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        String pauseFile = headers == null ? null : headers.getHeaderString(PAUSE_FILE_HEADER);
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

    @Override
    public void close() {
    }
}
