package io.github.sessionguard.signals;

import org.keycloak.common.util.SecretGenerator;

/**
 * The {@code jti} of a security event token about one session's death: the session's id, a dot, and a random part.
 * Keycloak's SSF outbox keeps each SET under its {@code jti} (its correlation id), so the session's logout receipt
 * finds every SET about the session there, Session Guard's and Keycloak's own, without a record of its own. The
 * session id is no secret from a receiver: the SET's subject names the session too. A Keycloak session id (base64url,
 * or a UUID) has no dot.
 */
public final class SessionSignalIds {

    private static final char SEPARATOR = '.';
    /** The LIKE escape of {@link #likePattern}: '!' is in neither alphabet of a session id. */
    public static final char LIKE_ESCAPE = '!';

    private SessionSignalIds() {
    }

    static String jtiFor(String userSessionId) {
        return userSessionId + SEPARATOR + SecretGenerator.getInstance().generateSecureID();
    }

    /** The {@code LIKE} pattern (escaped by {@link #LIKE_ESCAPE}) of every {@code jti} about the session. */
    public static String likePattern(String userSessionId) {
        StringBuilder pattern = new StringBuilder();
        for (char c : userSessionId.toCharArray()) {
            if (c == '%' || c == '_' || c == LIKE_ESCAPE) {
                pattern.append(LIKE_ESCAPE);
            }
            pattern.append(c);
        }
        return pattern.append(SEPARATOR).append('%').toString();
    }
}
