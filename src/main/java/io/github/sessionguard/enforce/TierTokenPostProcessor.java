package io.github.sessionguard.enforce;

import io.github.sessionguard.limit.SessionLimit;
import io.github.sessionguard.logout.participants.JoinedSession;
import io.github.sessionguard.rotation.RefreshTokenRotation;
import io.github.sessionguard.tier.ConfiguredTier;
import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierRefusal;
import io.github.sessionguard.tier.UnreadableTierException;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.services.CorsErrorResponseException;
import org.keycloak.services.cors.Cors;

/**
 * Where a tier meets every token Keycloak issues. Keycloak runs token post-processing for every grant that builds a
 * token response (authorization code, refresh, password, client credentials, device, CIBA, implicit and hybrid, token
 * exchange, JWT bearer), after every client-policy executor and just before the tokens are signed. Here, once per
 * response and from the request's one effective tier: the token-hardening refusals no event reaches on every grant,
 * the absolute lifetime and the offline refusal, the session limit where a grant creates or joins a session, rotation
 * of the refresh token, and the caps on the access and refresh tokens. Whatever the client's policy condition.
 */
final class TierTokenPostProcessor implements TokenPostProcessor {

    private static final Logger LOG = Logger.getLogger(TierTokenPostProcessor.class);

    private final KeycloakSession session;

    TierTokenPostProcessor(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void process(TokenPostProcessorContext context) {
        if (context.clientSessionCtx() == null) {
            return;
        }
        AuthenticatedClientSessionModel clientSession = context.clientSessionCtx().getClientSession();
        ClientModel client = clientSession.getClient();
        Optional<ConfiguredTier> tier;
        try {
            tier = RequestTier.of(session, client);
        } catch (UnreadableTierException unreadable) {
            throw refuse(client, TierRefusal.unreadable(unreadable));
        }
        if (tier.isEmpty()) {
            return;
        }
        TokenShaper shaper = new TokenShaper(tier.get());
        try {
            new TokenHardening(session, tier.get()).beforeIssue(client, RequestTier.grant(session));
            shaper.refuseForbidden(clientSession.getUserSession(), context.refreshToken());
            // A client without a limit pays nothing here: no lock, no query.
            if (tier.get().policy().limitsSessions()) {
                SessionLimit limit = new SessionLimit(session, tier.get());
                for (JoinedSession joined : JoinedSession.of(session, context)) {
                    limit.admit(joined.userSession(), client);
                }
            }
            if (tier.get().policy().rotateRefreshTokens() && context.refreshToken() != null) {
                RefreshTokenRotation rotation = new RefreshTokenRotation(session, tier.get());
                if (context.requestRefreshToken() != null) {
                    rotation.rotate(context.requestRefreshToken(), context.refreshToken(), clientSession);
                } else {
                    rotation.startFamily(context.refreshToken());
                }
            }
        } catch (TierRefusal refusal) {
            throw refuse(client, refusal);
        }
        shaper.cap(clientSession.getUserSession(), context.accessToken(), context.refreshToken());
    }

    /**
     * The request fails, and nothing it did may stay: Keycloak's transaction would otherwise commit behind an
     * error that carries its own response, and a rotated token would count as spent.
     */
    private CorsErrorResponseException refuse(ClientModel client, TierRefusal refusal) {
        LOG.debugf("Refusing tokens for client %s in realm %s: %s", client.getClientId(),
                client.getRealm().getName(), refusal.description());
        session.getTransactionManager().setRollbackOnly();
        Cors cors = Cors.builder().auth().allowedMethods("POST").exposedHeaders(Cors.ACCESS_CONTROL_ALLOW_METHODS)
                .checkAllowedOrigins(session, client);
        return new CorsErrorResponseException(cors, refusal.error(), refusal.description(), refusal.status());
    }
}
