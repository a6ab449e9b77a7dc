package io.github.sessionguard.logout;

import io.github.sessionguard.tier.RequestTier;
import io.github.sessionguard.tier.TierPolicy;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticatedClientSessionModel;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.UserSessionModel;
import org.keycloak.protocol.oidc.OIDCAdvancedConfigWrapper;
import org.keycloak.protocol.oidc.token.TokenPostProcessor;
import org.keycloak.protocol.oidc.token.TokenPostProcessorContext;
import org.keycloak.services.managers.AuthenticationManager;

/**
 * Records, when tokens are issued after a login (never on a refresh, which must stay free of extra database work),
 * that the client takes part in the session, if it has a back-channel logout URL: the expiry scan needs to know whom
 * to tell once the session is gone.
 */
final class ParticipantRecorder implements TokenPostProcessor {

    private final KeycloakSession session;

    ParticipantRecorder(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void process(TokenPostProcessorContext context) {
        if (context.requestRefreshToken() != null || context.clientSessionCtx() == null) {
            return;
        }
        AuthenticatedClientSessionModel clientSession = context.clientSessionCtx().getClientSession();
        ClientModel client = clientSession.getClient();
        if (OIDCAdvancedConfigWrapper.fromClientModel(client).getBackchannelLogoutUrl() == null) {
            return;
        }
        LogoutOutboxProvider outbox = session.getProvider(LogoutOutboxProvider.class);
        if (outbox == null || !outbox.enabled()) {
            return;
        }
        UserSessionModel userSession = clientSession.getUserSession();
        long now = Time.currentTime();
        TierPolicy tier = RequestTier.policy(session, client).orElse(null);
        SessionParticipantEntity participant = new SessionParticipantEntity();
        participant.setId(SessionParticipantEntity.idOf(userSession.getId(), client.getId(), userSession.isOffline()));
        participant.setRealmId(userSession.getRealm().getId());
        participant.setUserSessionId(userSession.getId());
        participant.setOffline(userSession.isOffline());
        participant.setClientUuid(client.getId());
        participant.setUserId(userSession.getUser().getId());
        participant.setIssuer(SessionLookup.issuer(session, userSession.getRealm(), clientSession));
        if (tier != null) {
            participant.setTierIdleSeconds(tier.idleTimeout());
            participant.setTierMaxDeadline(authTime(userSession) + tier.maxLifespan());
        }
        participant.setLastSeen(now);
        participant.setCheckAt(SessionParticipants.nextCheck(participant, userSession.getRealm(),
                userSession.getStarted(), now));
        new SessionParticipants(session).save(participant);
    }

    private static long authTime(UserSessionModel userSession) {
        String note = userSession.getNote(AuthenticationManager.AUTH_TIME);
        return note != null ? Long.parseLong(note) : userSession.getStarted();
    }
}
