package io.github.sessionguard.logout;

import io.github.sessionguard.logout.outbox.DeathReason;
import org.keycloak.events.Details;
import org.keycloak.events.EventBuilder;
import org.keycloak.events.EventType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/** The {@code LOGOUT} event every death Session Guard causes or detects records, with its reason. */
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
        event.success();
    }
}
