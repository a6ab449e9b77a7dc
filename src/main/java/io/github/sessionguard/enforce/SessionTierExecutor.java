package io.github.sessionguard.enforce;

import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.InvalidTierConfigurationException;
import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierConfigurationParser;
import io.github.sessionguard.tier.TierSource;
import io.github.sessionguard.tier.UnreadableTierException;
import jakarta.ws.rs.core.Response;
import java.util.EnumSet;
import java.util.Set;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.TokenManager.AccessTokenResponseBuilder;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.ErrorResponse;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyEvent;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;
import org.keycloak.services.clientpolicy.context.ClientModelContext;
import org.keycloak.services.clientpolicy.context.ResourceOwnerPasswordCredentialsContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;

/**
 * The {@code session-tier} executor. Its configuration is what puts clients in a tier; Keycloak runs it for the
 * clients its policy selects at the events those policies' conditions vote on. It does not enforce the tier on tokens
 * itself: {@link TierTokenPostProcessor} does, once per response, for every grant, from the request's effective tier;
 * nor on what some conditions don't vote on: a revocation ends the session from Keycloak's revocation event
 * ({@code logout.hooks}), and {@link ClientUpdateCheck} refuses updates that weaken a client. Here it only adds what
 * needs an event: telling the request that this executor applies, refusing an offline or over-long request and the
 * token-leaking grants before the user signs in, running Keycloak's PKCE and DPoP executors where the tier asks for
 * them, and shaping the ID token.
 */
final class SessionTierExecutor implements ClientPolicyExecutorProvider<SessionTierExecutor.Configuration> {

    /**
     * Events about editing or viewing the client, not about its sessions: nothing of the tier applies there, and
     * resolving the tier for them would only cost (the admin console raises VIEW for every client page it shows).
     */
    private static final Set<ClientPolicyEvent> CLIENT_ADMINISTRATION = EnumSet.of(ClientPolicyEvent.REGISTER,
            ClientPolicyEvent.REGISTERED, ClientPolicyEvent.UPDATE, ClientPolicyEvent.UPDATED, ClientPolicyEvent.VIEW,
            ClientPolicyEvent.UNREGISTER);

    private final KeycloakSession session;
    private ConfiguredTier configured;
    private InvalidTierConfigurationException unreadable;

    SessionTierExecutor(KeycloakSession session) {
        this.session = session;
    }

    /** Parsed once, here: the configuration Keycloak stored was validated when it was saved. */
    @Override
    public void setupConfiguration(Configuration configuration) {
        try {
            configured = TierConfigurationParser.parseStored(configuration.getConfigAsMap());
        } catch (InvalidTierConfigurationException e) {
            unreadable = e;
        }
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
        try {
            execute(context);
        } catch (UnreadableTierException unreadable) {
            throw new ClientPolicyException(unreadable.getError(), unreadable.getErrorDescription(),
                    Response.Status.INTERNAL_SERVER_ERROR);
        }
    }

    private void execute(ClientPolicyContext context) throws ClientPolicyException {
        ClientModel client = clientOf(context);
        if (client == null || CLIENT_ADMINISTRATION.contains(context.getEvent())) {
            return;
        }
        RequestTier.observe(session, client, new TierSource(null, null, configured(client)));
        ConfiguredTier tier = RequestTier.of(session, client).orElseThrow();
        TokenHardening hardening = new TokenHardening(session, tier);
        switch (context.getEvent()) {
            case AUTHORIZATION_REQUEST -> {
                hardening.authorizationRequest((AuthorizationRequestContext) context, client);
                new AuthorizationRequestEnforcer(tier).enforce((AuthorizationRequestContext) context);
            }
            case RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST -> {
                hardening.passwordGrant();
                new AuthorizationRequestEnforcer(tier)
                        .refuseOfflineAccess(((ResourceOwnerPasswordCredentialsContext) context).getScopeParameter());
            }
            case TOKEN_REQUEST, TOKEN_REFRESH -> hardening.tokenRequest(context, client);
            default -> shapeIdToken(tier, context);
        }
    }

    /**
     * Keycloak's token post-processing, where the access and refresh tokens are shaped, doesn't see the ID token,
     * whose expiry Keycloak copied from the access token before any tier had a say; the response events do.
     */
    private void shapeIdToken(ConfiguredTier tier, ClientPolicyContext context) {
        AccessTokenResponseBuilder response = TokenResponses.builderOf(context);
        if (response != null && response.getIdToken() != null && response.getClientSessionCtx() != null) {
            new TokenShaper(tier).capIdToken(response.getIdToken(),
                    response.getClientSessionCtx().getClientSession().getUserSession());
        }
    }

    /**
     * Stored configurations are validated on every update, so an unreadable one was stored behind Keycloak's back
     * (or by a version whose keys differ). Refusing the client's request is the safe answer: a tier that can't be
     * read must not mean "no limits". The request's tier names the profile (and logs it once); this executor alone
     * doesn't know its profile.
     */
    private ConfiguredTier configured(ClientModel client) throws ClientPolicyException {
        if (configured != null) {
            return configured;
        }
        RequestTier.of(session, client);
        throw new ClientPolicyException(OAuthErrorException.SERVER_ERROR, "A session-tier configuration that applies"
                + " to the client can't be read: " + unreadable.getMessage(), Response.Status.INTERNAL_SERVER_ERROR);
    }

    private ClientModel clientOf(ClientPolicyContext context) {
        if (context instanceof ClientModelContext withClient && withClient.getClient() != null) {
            return withClient.getClient();
        }
        return session.getContext().getClient();
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
