package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.tier.Reauthentication;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCProviderConfig;
import org.keycloak.sessions.AuthenticationSessionModel;

/**
 * Keycloak's OIDC protocol, whose back-channel logout hands the death to the {@link LogoutFunnel} rather than calling
 * the relying party inside the request, and whose SSO check also asks the client's tier whether a fresh login is due.
 */
final class OutboxOidcLoginProtocol extends OIDCLoginProtocol {

    OutboxOidcLoginProtocol(OIDCProviderConfig providerConfig) {
        super(providerConfig);
    }

    @Override
    public Response backchannelLogout(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {
        if (new LogoutFunnel(session).clientEndedByKeycloak(userSession, clientSession)) {
            return Response.ok().build();
        }
        return super.backchannelLogout(userSession, clientSession);
    }

    /** SSO also ends where the client's tier wants a fresh login, not only where the request's max_age does. */
    @Override
    protected boolean isAuthTimeExpired(UserSessionModel userSession, AuthenticationSessionModel authSession) {
        return super.isAuthTimeExpired(userSession, authSession)
                || Reauthentication.due(session, userSession, authSession);
    }
}
