package io.github.sessionguard.enforce;

import io.github.sessionguard.tier.ConfiguredTier;
import java.util.Arrays;
import org.keycloak.OAuth2Constants;
import org.keycloak.OAuthErrorException;
import org.keycloak.protocol.oidc.OIDCLoginProtocol;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;

/**
 * What a tier asks of an authorization request: that SSO never hands out a session older than reauth-max-age
 * (through OIDC's own {@code max_age}, which Keycloak enforces against the session's auth time), and that no
 * offline token is requested where the tier forbids it.
 */
final class AuthorizationRequestEnforcer {

    private final ConfiguredTier tier;

    AuthorizationRequestEnforcer(ConfiguredTier tier) {
        this.tier = tier;
    }

    void enforce(AuthorizationRequestContext context) throws ClientPolicyException {
        refuseOfflineAccess(context.getScopeParameter());
        requireReauthentication(context);
    }

    void refuseOfflineAccess(String scopeParameter) throws ClientPolicyException {
        if (tier.policy().offlineAccess() || scopeParameter == null) {
            return;
        }
        if (Arrays.asList(scopeParameter.trim().split("\\s+")).contains(OAuth2Constants.OFFLINE_ACCESS)) {
            throw new ClientPolicyException(OAuthErrorException.INVALID_SCOPE, "offline_access is not allowed for"
                    + " clients in session tier '" + tier.tier().id() + "' (offline-access is false)");
        }
    }

    private void requireReauthentication(AuthorizationRequestContext context) throws ClientPolicyException {
        long reauthMaxAge = tier.policy().reauthMaxAge();
        Integer requested = context.getAuthorizationEndpointRequest().getMaxAge();
        if (requested != null && requested > reauthMaxAge) {
            // Keycloak copies the request's max_age over any note set here, so a looser one can't be tightened
            // silently; saying so is better than letting it widen the tier.
            throw new ClientPolicyException(OAuthErrorException.INVALID_REQUEST, "max_age " + requested
                    + " exceeds the reauth-max-age of session tier '" + tier.tier().id() + "' (" + reauthMaxAge + " s)");
        }
        if (requested == null) {
            context.getAuthenticationSession()
                    .setClientNote(OIDCLoginProtocol.MAX_AGE_PARAM, String.valueOf(reauthMaxAge));
        }
    }
}
