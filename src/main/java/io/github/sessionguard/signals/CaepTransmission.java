package io.github.sessionguard.signals;

import java.util.HashMap;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.ssf.event.InitiatingEntity;
import org.keycloak.ssf.event.caep.CaepSessionRevoked;
import org.keycloak.ssf.event.token.SsfSecurityEventToken;
import org.keycloak.ssf.subject.ComplexSubjectId;
import org.keycloak.ssf.subject.OpaqueSubjectId;
import org.keycloak.ssf.transmitter.SsfTransmitterProvider;
import org.keycloak.ssf.transmitter.event.SecurityEventTokenMapper;
import org.keycloak.ssf.transmitter.stream.StreamConfig;
import org.keycloak.ssf.transmitter.support.SsfUtil;

/**
 * A death handed to Keycloak's SSF transmitter, the only class that speaks its language: for each receiver's stream,
 * the {@code session-revoked} SET Keycloak's own mapper builds for a logout (the stream's audience, subject format and
 * signing key), with Session Guard's reason and initiator, through Keycloak's dispatcher ({@link RequestlessDispatcher}),
 * which keeps the stream's filters (events requested, subjects, status) and writes its outbox in this transaction.
 */
final class CaepTransmission {

    private static final Logger LOG = Logger.getLogger(CaepTransmission.class);

    private final KeycloakSession session;

    CaepTransmission(KeycloakSession session) {
        this.session = session;
    }

    void send(RealmModel realm, Death death) {
        SsfTransmitterProvider transmitter = session.getProvider(SsfTransmitterProvider.class);
        if (transmitter == null) {
            return;
        }
        RealmModel previous = session.getContext().getRealm();
        boolean otherRealm = previous == null || !previous.getId().equals(realm.getId());
        if (otherRealm) {
            // The transmitter reads its streams, keys and issuer from the context's realm.
            session.getContext().setRealm(realm);
        }
        try {
            List<StreamConfig> streams = transmitter.streamService().findStreamsForSsfReceiverClients();
            SecurityEventTokenMapper mapper = new SecurityEventTokenMapper(session, transmitter.getConfig(),
                    ignored -> issuer(death));
            RequestlessDispatcher dispatcher = new RequestlessDispatcher(transmitter);
            for (StreamConfig stream : streams) {
                SsfSecurityEventToken token = mapper.generateSessionRevokedEvent(logout(realm, death), null, stream,
                        death.reason().detail());
                if (token == null) {
                    // Keycloak's mapper logged why (a subject format the user can't fill, say).
                    LOG.warnf("No session-revoked event for session %s of user %s in realm %s to receiver %s",
                            death.userSessionId(), death.userId(), realm.getName(), stream.getClientClientId());
                    continue;
                }
                ((CaepSessionRevoked) token.getEvents().get(CaepSessionRevoked.TYPE))
                        .setInitiatingEntity(InitiatingEntity.valueOf(death.initiator().name()));
                if (death.clientId() != null) {
                    OpaqueSubjectId application = new OpaqueSubjectId();
                    application.setId(death.clientId());
                    ((ComplexSubjectId) token.getSubjectId()).setApplication(application);
                }
                dispatcher.dispatchEvent(token, stream);
                LOG.debugf("Session %s of user %s in realm %s: session-revoked (%s, %s%s) to receiver %s, jti %s",
                        death.userSessionId(), death.userId(), realm.getName(), death.reason().detail(),
                        death.initiator().code(), death.clientId() == null ? "" : ", application " + death.clientId(),
                        stream.getClientClientId(), token.getJti());
            }
        } finally {
            if (otherRealm) {
                session.getContext().setRealm(previous);
            }
        }
    }

    /** The {@code LOGOUT} event Keycloak's mapper turns into {@code session-revoked}; Keycloak never records it. */
    private static Event logout(RealmModel realm, Death death) {
        Event event = new Event();
        event.setType(EventType.LOGOUT);
        event.setRealmId(realm.getId());
        event.setUserId(death.userId());
        event.setSessionId(death.userSessionId());
        event.setDetails(new HashMap<>());
        return event;
    }

    /**
     * The realm's issuer as Keycloak's transmitter resolves it (the request, a frontend URL, the hostname); outside a
     * request without those, as the session's tokens carry it.
     */
    private String issuer(Death death) {
        try {
            return SsfUtil.getIssuerUrl(session);
        } catch (RuntimeException outsideARequest) {
            return death.issuer();
        }
    }
}
