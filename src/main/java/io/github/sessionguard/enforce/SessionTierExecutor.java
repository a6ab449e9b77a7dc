package io.github.sessionguard.enforce;

import io.github.sessionguard.rotation.RefreshTokenRotation;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.InvalidTierConfigurationException;
import io.github.sessionguard.tier.TierConfigurationParser;
import io.github.sessionguard.tier.TierPolicy;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenManager.AccessTokenResponseBuilder;
import org.keycloak.protocol.oidc.grants.ciba.clientpolicy.context.BackchannelTokenResponseContext;
import org.keycloak.protocol.oidc.grants.device.clientpolicy.context.DeviceTokenResponseContext;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;
import org.keycloak.services.clientpolicy.context.ImplicitHybridTokenResponse;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsContext;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsResponseContext;
import org.keycloak.services.clientpolicy.context.ServiceAccountTokenResponseContext;
import org.keycloak.services.clientpolicy.context.TokenRefreshResponseContext;
import org.keycloak.services.clientpolicy.context.TokenResponseContext;
import org.keycloak.services.clientpolicy.context.TokenRevokeResponseContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * The {@code session-tier} executor: Keycloak runs it for every client its policy selects, at every client-policy
 * event, and it makes the client's tier hold there: a login form instead of silent SSO once re-authentication is
 * due, no offline tokens where the tier forbids them, no token that outlives the tier's windows, and refresh tokens
 * that can be used once.
 */
final class SessionTierExecutor implements ClientPolicyExecutorProvider<SessionTierExecutor.Configuration> {

    private static final Logger LOG = Logger.getLogger(SessionTierExecutor.class);

    private final KeycloakSession session;
    private Configuration configuration;

    SessionTierExecutor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void setupConfiguration(Configuration configuration) {
        this.configuration = configuration;
    }

    @Override
    public Class<Configuration> getExecutorConfigurationClass() {
        return Configuration.class;
    }

    @Override
    public String getProviderId() {
        return SessionTierExecutorFactory.PROVIDER_ID;
    }

    @Override
    public void executeOnEvent(ClientPolicyContext context) throws ClientPolicyException {
        switch (context.getEvent()) {
            case AUTHORIZATION_REQUEST ->
                    new AuthorizationRequestEnforcer(tier()).enforce((AuthorizationRequestContext) context);
            case RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST -> new AuthorizationRequestEnforcer(tier())
                    .refuseOfflineAccess(((ResourceOwnerPasswordCredentialsContext) context).getScopeParameter());
            case TOKEN_REFRESH_RESPONSE -> refreshResponse((TokenRefreshResponseContext) context);
            case TOKEN_REVOKE_RESPONSE -> new RevocationEnforcer(session, tier()).enforce((TokenRevokeResponseContext) context);
            case TOKEN_RESPONSE, RESOURCE_OWNER_PASSWORD_CREDENTIALS_RESPONSE, SERVICE_ACCOUNT_TOKEN_RESPONSE,
                 DEVICE_TOKEN_RESPONSE, BACKCHANNEL_TOKEN_RESPONSE, IMPLICIT_HYBRID_TOKEN_RESPONSE -> loginResponse(context);
            default -> {
                // Other events carry no token this tier has to shape.
            }
        }
    }

    /** Tokens from a login: capped, and their refresh token starts a rotation family. */
    private void loginResponse(ClientPolicyContext context) throws ClientPolicyException {
        ConfiguredTier tier = tier();
        AccessTokenResponseBuilder response = builderOf(context);
        new TokenResponseEnforcer(session, tier).enforce(response);
        rememberTierForThisRequest(tier);
        if (tier.policy().rotateRefreshTokens()) {
            new RefreshTokenRotation(session, tier).startFamily(response);
        }
    }

    /** For the participant record written when these tokens are built; several tiers add up to the strictest. */
    private void rememberTierForThisRequest(ConfiguredTier tier) {
        TierPolicy earlier = session.getAttribute(TierPolicy.REQUEST_ATTRIBUTE, TierPolicy.class);
        session.setAttribute(TierPolicy.REQUEST_ATTRIBUTE, earlier == null ? tier.policy() : earlier.strictest(tier.policy()));
    }

    /** Tokens from a refresh: the presented token is spent (or found replayed) before the new ones are capped. */
    private void refreshResponse(TokenRefreshResponseContext context) throws ClientPolicyException {
        ConfiguredTier tier = tier();
        if (tier.policy().rotateRefreshTokens()) {
            new RefreshTokenRotation(session, tier).rotate(context);
        }
        new TokenResponseEnforcer(session, tier).enforce(context.getAccessTokenResponseBuilder());
    }

    private ConfiguredTier tier() throws ClientPolicyException {
        try {
            return TierConfigurationParser.parse(configuration.getConfigAsMap());
        } catch (InvalidTierConfigurationException e) {
            // Stored configurations are validated on every update, so this is a realm edited behind Keycloak's
            // back. Refusing the request is the safe answer: a tier that can't be read must not mean "no limits".
            LOG.errorf("Realm %s holds an unreadable session-tier configuration: %s",
                    session.getContext().getRealm().getName(), e.getMessage());
            throw new ClientPolicyException(OAuthErrorException.SERVER_ERROR, "session tier misconfigured",
                    Response.Status.INTERNAL_SERVER_ERROR);
        }
    }

    private static AccessTokenResponseBuilder builderOf(ClientPolicyContext context) {
        if (context instanceof TokenResponseContext c) {
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
        throw new IllegalStateException("No token response builder in " + context.getClass().getName());
    }

    /**
     * The executor's stored configuration. Keys are kept as given (see {@code TierSetting}) so that numbers may come
     * as JSON numbers or numeric strings, and so that a bad value reaches {@link #validateConfig()} and gets a message
     * naming it, instead of failing inside Jackson with a server error.
     */
    public static final class Configuration extends ClientPolicyExecutorConfigurationRepresentation {

        @Override
        public boolean validateConfig() {
            try {
                TierConfigurationParser.parse(getConfigAsMap());
                return true;
            } catch (InvalidTierConfigurationException e) {
                // Keycloak turns a plain "false" into a generic message; this one names the key and the rule.
                throw ErrorResponse.error(e.getMessage(), Response.Status.BAD_REQUEST);
            }
        }
    }
}
