package io.github.sessionguard.signals;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.ssf.event.InitiatingEntity;
import org.keycloak.ssf.event.caep.CaepSessionRevoked;
import org.keycloak.ssf.event.token.SsfSecurityEventToken;
import org.keycloak.ssf.subject.ComplexSubjectId;
import org.keycloak.ssf.subject.OpaqueSubjectId;
import org.keycloak.ssf.transmitter.SsfTransmitterConfig;
import org.keycloak.ssf.transmitter.event.SecurityEventTokenMapper;
import org.keycloak.ssf.transmitter.stream.StreamConfig;
import org.keycloak.ssf.transmitter.support.SsfUtil;

/**
 * Keycloak's own SET mapper, speaking of Session Guard's deaths: a SET for a stream gets the stream's audience, user
 * subject format (and tenant) and the realm's issuer exactly as Keycloak's own events do; the words are Session
 * Guard's.
 */
final class DeathTokens extends SecurityEventTokenMapper {

    private static final Logger LOG = Logger.getLogger(DeathTokens.class);

    /**
     * @param issuer the realm's issuer as the session's tokens carry it: the SET's {@code iss} where Keycloak's own
     *               resolution finds none (outside a request, without a frontend URL or a full hostname)
     */
    DeathTokens(KeycloakSession session, SsfTransmitterConfig config, String issuer) {
        super(session, config, current -> {
            try {
                return SsfUtil.getIssuerUrl(current);
            } catch (RuntimeException outsideARequest) {
                return issuer;
            }
        });
    }

    /**
     * CAEP {@code session-revoked}, as Keycloak's mapper builds it for a logout (it never records this one), with the
     * death's initiator and reason, and the application where only its part of the session ended; null where the
     * mapper could not build it (it logged why).
     */
    SsfSecurityEventToken sessionRevoked(Death death, StreamConfig stream) {
        Event logout = new Event();
        logout.setType(EventType.LOGOUT);
        logout.setRealmId(session.getContext().getRealm().getId());
        logout.setUserId(death.userId());
        logout.setSessionId(death.userSessionId());
        logout.setDetails(new HashMap<>());
        SsfSecurityEventToken token = generateSessionRevokedEvent(logout, null, stream, death.reason().detail());
        if (token == null) {
            return null;
        }
        ((CaepSessionRevoked) token.getEvents().get(CaepSessionRevoked.TYPE))
                .setInitiatingEntity(InitiatingEntity.valueOf(death.initiator().name()));
        if (death.clientId() != null) {
            OpaqueSubjectId application = new OpaqueSubjectId();
            application.setId(death.clientId());
            ((ComplexSubjectId) token.getSubjectId()).setApplication(application);
        }
        return token;
    }

    /** RISC {@code account-disabled} about the user, built as Keycloak builds its user events' SETs. */
    SsfSecurityEventToken accountDisabled(Death death, StreamConfig stream) {
        try {
            SsfSecurityEventToken token = newSecurityEventToken(stream);
            token.setTxn(UUID.randomUUID().toString());
            token.setSubjectId(composeUserSubject(token, death.userId(), stream));
            RiscAccountDisabled disabled = new RiscAccountDisabled();
            disabled.setEventTimestamp(Time.currentTime());
            disabled.setInitiatingEntity(InitiatingEntity.valueOf(death.initiator().name()));
            disabled.setReasonAdmin(Map.of("en", death.reason().detail()));
            token.setEvents(new HashMap<>(Map.of(RiscAccountDisabled.TYPE, disabled)));
            return token;
        } catch (RuntimeException e) {
            LOG.warnf(e, "No account-disabled event for user %s to receiver %s", death.userId(),
                    stream.getClientClientId());
            return null;
        }
    }
}
