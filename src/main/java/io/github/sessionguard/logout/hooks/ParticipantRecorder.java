package io.github.sessionguard.logout.hooks;

import io.github.sessionguard.logout.LogoutFunnel;
import io.github.sessionguard.logout.participants.JoinedSession;
import io.github.sessionguard.logout.participants.TierDeadlines;
import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierPolicy;
import java.util.Optional;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;

/**
 * Catches a client joining a session, when tokens are issued after a login (never on a refresh, which must stay free
 * of extra database work), and hands it to the {@link LogoutFunnel}, which records it if the client is ever to be
 * told, or if its tier limits sessions: the expiry scan needs to know whom to tell once the session has died, and the
 * session limit counts these records. A login that asks for an offline token joins the offline session too.
 */
final class ParticipantRecorder implements TokenPostProcessor {

    private final KeycloakSession session;

    ParticipantRecorder(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void process(TokenPostProcessorContext context) {
        LogoutFunnel funnel = new LogoutFunnel(session);
        for (JoinedSession joined : JoinedSession.of(session, context)) {
            Optional<TierPolicy> tier = RequestTier.policy(session, joined.clientSession().getClient());
            funnel.clientJoined(joined.userSession(), joined.clientSession(),
                    TierDeadlines.of(tier, joined.userSession()), tier.map(TierPolicy::limitsSessions).orElse(false));
        }
    }
}
