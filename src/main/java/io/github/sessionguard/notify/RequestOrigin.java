package io.github.sessionguard.notify;

import jakarta.enterprise.context.ContextNotActiveException;
import org.keycloak.common.ClientConnection;
import org.keycloak.models.KeycloakSession;

/**
 * Where the request that caused a death came from: its IP address and User-Agent, read from the session's request
 * while it is still there (the email is rendered later, on another thread, with no request at hand).
 *
 * @param ipAddress null if unknown
 * @param userAgent null if the request sent none
 */
record RequestOrigin(String ipAddress, String userAgent) {

    static final RequestOrigin UNKNOWN = new RequestOrigin(null, null);

    static RequestOrigin of(KeycloakSession session) {
        ClientConnection connection = session.getContext().getConnection();
        String ipAddress = connection == null ? null : blankToNull(connection.getRemoteAddr());
        String userAgent;
        try {
            userAgent = blankToNull(session.getContext().getRequestHeaders().getHeaderString("User-Agent"));
        } catch (ContextNotActiveException e) {
            userAgent = null;
        }
        return new RequestOrigin(ipAddress, userAgent);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
