package io.github.sessionguard.signals;

import org.keycloak.events.EventListenerProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.ssf.transmitter.event.SsfTransmitterEventListenerFactory;

/**
 * Takes Keycloak's SSF event listener ({@code ssf-events}) over, so that a death Session Guard signals is not
 * signalled a second time, with Keycloak's words: its mapper turns every {@code LOGOUT} event into a user's "User
 * logout", and an administrator's sign-out of a user into one event for session "ALL". Keycloak picks this factory
 * over its own because its {@link #order()} is higher; like Keycloak's, it exists only with the {@code ssf} feature.
 */
public final class SignallingEventListenerFactory extends SsfTransmitterEventListenerFactory {

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new SignallingEventListener(session);
    }

    @Override
    public int order() {
        return super.order() + 1;
    }
}
