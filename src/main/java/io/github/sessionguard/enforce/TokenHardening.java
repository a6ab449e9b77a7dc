package io.github.sessionguard.enforce;

import io.github.sessionguard.tier.ClientTokenSettings;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.Grant;
import io.github.sessionguard.tier.TierRefusal;
import java.util.List;
import java.util.stream.Collectors;
import org.keycloak.OAuthErrorException;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.utils.OIDCResponseType;
import org.keycloak.representations.idm.ClientPolicyExecutorConfigurationRepresentation;
import org.keycloak.services.clientpolicy.ClientPolicyContext;
import org.keycloak.services.clientpolicy.ClientPolicyException;
import org.keycloak.services.clientpolicy.context.AuthorizationRequestContext;
import org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider;
import org.keycloak.services.clientpolicy.executor.DPoPBindEnforcerExecutor;
import org.keycloak.services.clientpolicy.executor.DPoPBindEnforcerExecutorFactory;
import org.keycloak.services.clientpolicy.executor.PKCEEnforcerExecutor;
import org.keycloak.services.clientpolicy.executor.PKCEEnforcerExecutorFactory;
import org.keycloak.services.util.DPoPUtil;

/**
 * How a tier makes tokens hard to obtain and hard to use once stolen (OWASP M9's insecure token creation): codes bound
 * to the app that asked for them, no token-leaking grants, no forgeable signatures, and sender-constrained tokens where
 * the tier asks for them. PKCE and DPoP are Keycloak's own executors, run here with the configuration the tier implies
 * (ADR 0013); what Keycloak has no executor for with the answer the tier owes (legacy grants naming the tier, weak
 * signatures) is checked here; {@link ClientUpdateCheck} refuses an update that would weaken a client in its tier.
 */
final class TokenHardening {

    private final KeycloakSession session;
    private final ConfiguredTier tier;

    TokenHardening(KeycloakSession session, ConfiguredTier tier) {
        this.session = session;
        this.tier = tier;
    }

    /** Before the user signs in: the response type, the client's signatures, then PKCE. */
    void authorizationRequest(AuthorizationRequestContext context, ClientModel client) throws ClientPolicyException {
        OIDCResponseType responseType = context.getParsedResponseType();
        if (tier.policy().refuseLegacyGrants() && responseType.isImplicitOrHybridFlow()) {
            throw legacyGrant("implicit and hybrid responses that return tokens from the authorization endpoint are");
        }
        refuseWeakSignatures(client);
        // PKCE binds a code to the app that asked for it; a response without a code has nothing to bind.
        if (tier.policy().requirePkce() && responseType.hasResponseType(OIDCResponseType.CODE)) {
            PKCEEnforcerExecutor.Configuration pkce = new PKCEEnforcerExecutor.Configuration();
            pkce.setAutoConfigure(false);
            runKeycloakExecutor(PKCEEnforcerExecutorFactory.PROVIDER_ID, pkce, context, "require-pkce");
        }
    }

    /** The password grant, refused before Keycloak checks the password, so it can't be used to try passwords. */
    void passwordGrant() throws ClientPolicyException {
        if (tier.policy().refuseLegacyGrants()) {
            throw legacyGrant("the password grant is");
        }
    }

    /**
     * The code and refresh grants of a public client where the tier requires DPoP. Keycloak's executor, with
     * refresh-token binding allowed for clients not registered for DPoP, refuses a request without a verified proof
     * (Keycloak's token endpoint verified it if one came) and asks for the refresh token to be bound. The tier binds
     * the access token too, as Keycloak does for any request with a proof, so that the flag is cleared again.
     */
    void tokenRequest(ClientPolicyContext context, ClientModel client) throws ClientPolicyException {
        if (!tier.policy().requireDpop() || !client.isPublicClient()) {
            return;
        }
        DPoPBindEnforcerExecutor.Configuration dpop = new DPoPBindEnforcerExecutor.Configuration();
        dpop.setAutoConfigure(false);
        dpop.setEnforceAuthorizationCodeBindingToDpop(false);
        dpop.setAllowOnlyRefreshTokenBinding(true);
        runKeycloakExecutor(DPoPBindEnforcerExecutorFactory.PROVIDER_ID, dpop, context, "require-dpop");
        session.removeAttribute(DPoPUtil.DPOP_BINDING_ONLY_REFRESH_TOKEN_SESSION_ATTRIBUTE);
    }

    /**
     * Where every grant's tokens are issued (token post-processing), for what no event reaches on every grant: the
     * password grant, a client that was weak when it entered the tier, and DPoP on the grants Keycloak's executor
     * doesn't look at (device, token exchange and the rest).
     */
    void beforeIssue(ClientModel client, Grant grant) throws TierRefusal {
        if (grant == Grant.PASSWORD && tier.policy().refuseLegacyGrants()) {
            throw TierRefusal.of(OAuthErrorException.UNAUTHORIZED_CLIENT, legacyGrantMessage("the password grant is"));
        }
        List<ClientTokenSettings.Weakness> weak = weakSignatures(client);
        if (!weak.isEmpty()) {
            throw TierRefusal.of(OAuthErrorException.UNAUTHORIZED_CLIENT, weakSignatureMessage(client, weak));
        }
        if (tier.policy().requireDpop() && client.isPublicClient()
                && session.getAttribute(DPoPUtil.DPOP_SESSION_ATTRIBUTE) == null) {
            throw TierRefusal.of(OAuthErrorException.INVALID_DPOP_PROOF, "DPoP proof is missing: session tier '"
                    + tier.tier().id() + "' requires DPoP-bound tokens for public clients (require-dpop is true)");
        }
    }

    private void refuseWeakSignatures(ClientModel client) throws ClientPolicyException {
        List<ClientTokenSettings.Weakness> weak = weakSignatures(client);
        if (!weak.isEmpty()) {
            throw new ClientPolicyException(OAuthErrorException.UNAUTHORIZED_CLIENT, weakSignatureMessage(client, weak));
        }
    }

    private List<ClientTokenSettings.Weakness> weakSignatures(ClientModel client) {
        return tier.tier().forbidsWeakSignatures() ? ClientTokenSettings.of(client).weakSignatures() : List.of();
    }

    private String weakSignatureMessage(ClientModel client, List<ClientTokenSettings.Weakness> weak) {
        return "Client '" + client.getClientId() + "' is in session tier '" + tier.tier().id()
                + "', which forbids " + explained(weak) + "; an administrator must change it";
    }

    /**
     * Runs one of Keycloak's executors on the event being served, as if a profile held it. Its refusal keeps
     * Keycloak's error code and says which tier setting asked for it.
     */
    private <C extends ClientPolicyExecutorConfigurationRepresentation> void runKeycloakExecutor(String providerId,
            C configuration, ClientPolicyContext context, String tierKey) throws ClientPolicyException {
        @SuppressWarnings("unchecked")
        ClientPolicyExecutorProvider<C> executor = session.getProvider(ClientPolicyExecutorProvider.class, providerId);
        if (executor == null) {
            throw new IllegalStateException("Keycloak's client-policy executor '" + providerId + "' is not available");
        }
        executor.setupConfiguration(configuration);
        try {
            executor.executeOnEvent(context);
        } catch (ClientPolicyException e) {
            throw new ClientPolicyException(e.getError(), e.getErrorDetail() + " (session tier '" + tier.tier().id()
                    + "', " + tierKey + ")", e.getErrorStatus());
        }
    }

    private ClientPolicyException legacyGrant(String what) {
        return new ClientPolicyException(OAuthErrorException.UNAUTHORIZED_CLIENT, legacyGrantMessage(what));
    }

    private String legacyGrantMessage(String what) {
        return what + " not allowed for clients in session tier '" + tier.tier().id()
                + "' (refuse-legacy-grants is true); use the authorization code flow with PKCE";
    }

    /** The weaknesses, each with why the tier forbids it. */
    static String explained(List<ClientTokenSettings.Weakness> weaknesses) {
        return weaknesses.stream().map(weakness -> weakness.describe() + (weakness.isSignature()
                        ? " (none or a shared secret lets tokens be forged; use an asymmetric algorithm such as RS256)"
                        : " (refuse-legacy-grants is true)"))
                .collect(Collectors.joining(", "));
    }
}
