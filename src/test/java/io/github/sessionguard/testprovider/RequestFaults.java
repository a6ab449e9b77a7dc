package io.github.sessionguard.testprovider;

import jakarta.ws.rs.core.HttpHeaders;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;

/**
 * Test-only: lets a test hold a token request in flight, or make it fail, after Session Guard has shaped its tokens
 * and rotated its refresh token (it runs after every other post-processor). A request is affected only when the test
 * sends one of the headers below, so the other tests on the shared server never are.
 */
final class RequestFaults implements TokenPostProcessor {

    static final String DELAY_HEADER = "X-Session-Guard-Test-Delay-Ms";
    static final String FAIL_HEADER = "X-Session-Guard-Test-Fail";
    /** A file this provider creates when it starts holding the request: the test, on the same machine, waits for it. */
    static final String SIGNAL_FILE_HEADER = "X-Session-Guard-Test-Signal-File";

    private final KeycloakSession session;

    RequestFaults(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void process(TokenPostProcessorContext context) {
        HttpHeaders headers = session.getContext().getRequestHeaders();
        if (headers == null) {
            return;
        }
        String signal = headers.getHeaderString(SIGNAL_FILE_HEADER);
        if (signal != null) {
            try {
                Files.writeString(Path.of(signal), "in flight");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        String delay = headers.getHeaderString(DELAY_HEADER);
        if (delay != null) {
            try {
                Thread.sleep(Long.parseLong(delay));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (headers.getHeaderString(FAIL_HEADER) != null) {
            throw new IllegalStateException("Test fault: the request fails after its tokens were built");
        }
    }
}
