package io.github.sessionguard.enforce;

import org.keycloak.protocol.oidc.TokenManager.AccessTokenResponseBuilder;
import org.keycloak.protocol.oidc.grants.ciba.clientpolicy.context.BackchannelTokenResponseContext;
import org.keycloak.protocol.oidc.grants.device.clientpolicy.context.DeviceTokenResponseContext;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.context.ImplicitHybridTokenResponse;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsResponseContext;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.services.clientpolicy.context.TokenResponseContext;

/** Keycloak's token-response events each carry the response being built, under a getter of their own. */
final class TokenResponses {

    private TokenResponses() {
    }

    /** @return the response under construction, or null for an event that carries none */
    static AccessTokenResponseBuilder builderOf(ClientPolicyContext context) {
        if (context instanceof TokenResponseContext c) {
            return c.getAccessTokenResponseBuilder();
        } else if (context instanceof TokenRefreshResponseContext c) {
            return c.getAccessTokenResponseBuilder();
        } else if (context instanceof ResourceOwnerPasswordCredentialsResponseContext c) {
            return c.getAccessTokenResponseBuilder();
        } else if (context instanceof ServiceAccountTokenResponseContext c) {
            return c.getAccessTokenResponseBuilder();
        } else if (context instanceof DeviceTokenResponseContext c) {
            return c.getAccessTokenResponseBuilder();
        } else if (context instanceof BackchannelTokenResponseContext c) {
            return c.getAccessTokenResponseBuilder();
        } else if (context instanceof ImplicitHybridTokenResponse c) {
            return c.getAccessTokenResponseBuilder();
        }
        return null;
    }
}
