package io.github.sessionguard.logout;

import io.github.sessionguard.logout.outbox.DeathReason;
import io.github.sessionguard.signals.SharedSignals;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The {@code LOGOUT} event every death Session Guard causes or detects records, with its reason, and, where the
 * realm's SSF receivers hear of the death from Session Guard, a detail that keeps Keycloak's mapper from signalling it
 * again.
 */
final class LogoutEvents {

    private LogoutEvents() {
    }

    static void record(KeycloakSession session, RealmModel realm, String userId, String userSessionId, String clientId,
            DeathReason reason) {
        var connection = session.getContext().getConnection();
        EventBuilder event = (connection == null ? new EventBuilder(realm, session)
                : new EventBuilder(realm, session, connection))
                .event(EventType.LOGOUT).user(userId).session(userSessionId).detail(Details.REASON, reason.detail());
        if (clientId != null) {
            event.client(clientId);
        }
        SharedSignals.eventDetails(realm).forEach(event::detail);
        event.success();
    }
}
