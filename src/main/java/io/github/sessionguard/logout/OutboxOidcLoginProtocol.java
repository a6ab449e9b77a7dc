package io.github.sessionguard.logout;

import io.github.sessionguard.tier.Reauthentication;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCProviderConfig;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's OIDC protocol, whose back-channel logout is queued in the outbox rather than sent synchronously, and
 * whose SSO check also asks the client's tier whether a fresh login is due.
 */
final class OutboxOidcLoginProtocol extends OIDCLoginProtocol {

    private static final String DEFAULT_REASON = "logout";

    OutboxOidcLoginProtocol(OIDCProviderConfig providerConfig) {
        super(providerConfig);
    }

    @Override
    public Response backchannelLogout(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {
        LogoutOutboxProvider outbox = session.getProvider(LogoutOutboxProvider.class);
        String logoutUrl = OIDCAdvancedConfigWrapper.fromClientModel(clientSession.getClient()).getBackchannelLogoutUrl();
        if (outbox == null || !outbox.enabled() || logoutUrl == null) {
            return super.backchannelLogout(userSession, clientSession);
        }
        String reason = session.getAttributeOrDefault(EndReason.SESSION_ATTRIBUTE, DEFAULT_REASON);
        outbox.enqueue(userSession, clientSession, reason);
        return Response.ok().build();
    }

    /** SSO also ends where the client's tier wants a fresh login, not only where the request's max_age does. */
    @Override
    protected boolean isAuthTimeExpired(UserSessionModel userSession, AuthenticationSessionModel authSession) {
        return super.isAuthTimeExpired(userSession, authSession)
                || Reauthentication.due(session, userSession, authSession);
    }
}
