package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.DistributionKeycloakServer;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Notifications still pending when Keycloak is killed with SIGKILL are delivered once it is back: they live in the
 * database, committed with the sessions' end. This class runs a server of its own, since it kills it.
 */
class OutboxCrashRecoveryIT {

    private static final String REALM = "crash";
    private static final int SESSIONS = 3;

    @Test
    void notificationsPendingAtACrashAreDeliveredAfterTheRestart() {
        try (DistributionKeycloakServer server = DistributionKeycloakServer.start(List.of());
             LogoutReceiver receiver = new LogoutReceiver(server, REALM)) {
            AdminApi admin = new AdminApi(server);
            RealmFixture realm = new RealmFixture(REALM);
            withBackchannelLogout(realm.publicClient("app"), receiver);
            realm.create(admin);
            OidcClient app = OidcClient.publicClient(server, REALM, "app");
            receiver.behave("app", attempt -> new Reply(503, 0));

            Set<String> sessions = new HashSet<>();
            for (int i = 0; i < SESSIONS; i++) {
                String refreshToken = app.login(USER, PASSWORD).get("refresh_token").asText();
                sessions.add(Jwt.claims(refreshToken).get("sid").asText());
                assertThat(app.logout(refreshToken).status()).isEqualTo(204);
            }
            Deadline.await(Duration.ofSeconds(30), "a first (refused) try for every session",
                    () -> triedSessions(receiver).containsAll(sessions));
            assertThat(admin.getJson("/admin/realms/" + REALM + "/session-guard/deliveries?status=pending"))
                    .hasSize(SESSIONS);

            server.crash();
            receiver.behave("app", attempt -> Reply.ok());
            server.restart();

            Deadline.await(Duration.ofSeconds(120), "every pending notification to be delivered after the restart",
                    () -> acceptedSessions(receiver).containsAll(sessions));
            List<Delivery> accepted = receiver.deliveriesTo("app").stream().filter(Delivery::accepted).toList();
            assertThat(accepted).allSatisfy(d -> assertThat(d.valid()).as(d.error()).isTrue());
        }
    }

    private static Set<String> triedSessions(LogoutReceiver receiver) {
        Set<String> sids = new HashSet<>();
        receiver.deliveriesTo("app").forEach(d -> sids.add(d.sid()));
        return sids;
    }

    private static Set<String> acceptedSessions(LogoutReceiver receiver) {
        Set<String> sids = new HashSet<>();
        receiver.deliveriesTo("app").stream().filter(Delivery::accepted).forEach(d -> sids.add(d.sid()));
        return sids;
    }
}
