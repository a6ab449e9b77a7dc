package io.github.sessionguard.signals;

import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.ssf.event.token.SsfSecurityEventToken;
import org.keycloak.ssf.transmitter.SsfTransmitterProvider;
import org.keycloak.ssf.transmitter.stream.StreamConfig;

/**
 * A death handed to Keycloak's SSF transmitter: for each receiver's stream, a SET built by Keycloak's own mapper
 * ({@link DeathTokens}), through Keycloak's dispatcher ({@link RequestlessDispatcher}), which keeps the stream's
 * filters (events requested, subjects, status) and writes its outbox in this transaction. Only this package's
 * classes that {@link SharedSignals} reaches once the transmitter is on touch Keycloak's SSF classes.
 */
final class Transmission {

    private static final Logger LOG = Logger.getLogger(Transmission.class);

    private final KeycloakSession session;

    Transmission(KeycloakSession session) {
        this.session = session;
    }

    /** CAEP {@code session-revoked} for the death, to every stream that asks for it. */
    void sessionRevoked(RealmModel realm, Death death) {
        send(realm, death, "session-revoked", DeathTokens::sessionRevoked);
    }

    /** RISC {@code account-disabled} for the user whose disabling caused the death, to every stream that asks. */
    void accountDisabled(RealmModel realm, Death death) {
        send(realm, death, "account-disabled", DeathTokens::accountDisabled);
    }

    private interface TokenFor {
        SsfSecurityEventToken build(DeathTokens tokens, Death death, StreamConfig stream);
    }

    private void send(RealmModel realm, Death death, String event, TokenFor tokenFor) {
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
            DeathTokens tokens = new DeathTokens(session, transmitter.getConfig(), death.issuer());
            RequestlessDispatcher dispatcher = new RequestlessDispatcher(transmitter);
            for (StreamConfig stream : transmitter.streamService().findStreamsForSsfReceiverClients()) {
                SsfSecurityEventToken token = tokenFor.build(tokens, death, stream);
                if (token == null) {
                    LOG.warnf("No %s event for session %s of user %s in realm %s to receiver %s", event,
                            death.userSessionId(), death.userId(), realm.getName(), stream.getClientClientId());
                    continue;
                }
                token.setJti(SessionSignalIds.jtiFor(death.userSessionId()));
                dispatcher.dispatchEvent(token, stream);
                LOG.debugf("Session %s of user %s in realm %s: %s (%s, %s%s) to receiver %s, jti %s",
                        death.userSessionId(), death.userId(), realm.getName(), event, death.reason().detail(),
                        death.initiator().code(), death.clientId() == null ? "" : ", application " + death.clientId(),
                        stream.getClientClientId(), token.getJti());
            }
        } finally {
            if (otherRealm) {
                session.getContext().setRealm(previous);
            }
        }
    }
}
