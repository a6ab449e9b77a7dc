package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.LogoutFunnel;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.protocol.oidc.OIDCProviderConfig;

/**
 * Keycloak's OIDC protocol, whose back-channel logout hands the death to the {@link LogoutFunnel} rather than calling
 * the relying party inside the request.
 */
final class OutboxOidcLoginProtocol extends OIDCLoginProtocol {

    OutboxOidcLoginProtocol(OIDCProviderConfig providerConfig) {
        super(providerConfig);
    }

    @Override
    public Response backchannelLogout(UserSessionModel userSession, AuthenticatedClientSessionModel clientSession) {
        if (new LogoutFunnel(session).clientLoggedOut(userSession, clientSession)) {
            return Response.ok().build();
        }
        return super.backchannelLogout(userSession, clientSession);
    }
}
