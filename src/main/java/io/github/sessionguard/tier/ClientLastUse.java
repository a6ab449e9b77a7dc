package io.github.sessionguard.tier;

import java.util.OptionalLong;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.UserSessionModel;

/**
 * When a client last used its part of an SSO session, the clock of {@code reauth-after-idle}. Keycloak stamps the
 * client session whenever it issues the client a refresh token (code exchange, refresh, device, CIBA) or an SSO code.
 * When Session Guard ends a client's part (a tier deadline), the client session goes; its stamp is kept on the user
 * session so that SSO doesn't take a client that idled out for one that never took part.
 */
public final class ClientLastUse {

    private static final String ENDED_NOTE_PREFIX = "session-guard.last-use.";

    private ClientLastUse() {
    }

    /** Empty when the client has taken no part in this session: it has no idle of its own yet. */
    public static OptionalLong of(UserSessionModel userSession, ClientModel client) {
        AuthenticatedClientSessionModel clientSession = userSession.getAuthenticatedClientSessionByClient(
                client.getId());
        if (clientSession != null) {
            return OptionalLong.of(stamp(clientSession));
        }
        String ended = userSession.getNote(ENDED_NOTE_PREFIX + client.getId());
        return ended == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(ended));
    }

    /** Before Session Guard detaches a client's session: the client's last use outlives it. */
    public static void keepBeforeEnding(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {
        userSession.setNote(ENDED_NOTE_PREFIX + clientSession.getClient().getId(),
                String.valueOf(stamp(clientSession)));
    }

    /**
     * Deprecated in Keycloak 26.4 "for removal, without replacement", yet 26.7.3 still sets it on every token issue and
     * reads it for the client session's own idle ({@code AuthenticationManager.isClientSessionValid}); the expiry scan
     * reads it too. An upgrade that removes it fails to compile here, not silently.
     */
    @SuppressWarnings("deprecation")
    private static long stamp(AuthenticatedClientSessionModel clientSession) {
        return clientSession.getTimestamp();
    }
}
