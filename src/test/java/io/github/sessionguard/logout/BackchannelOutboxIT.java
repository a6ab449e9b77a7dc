package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox's delivery: off the request thread, retried on 5xx with one jti, dead-lettered on 4xx, and put back in
 * line by an admin. A relying party validates every logout token with Nimbus.
 */
@KeycloakIntegrationTest
@AlsoOnH2
class BackchannelOutboxIT {

    private static final String REALM = "outbox";
    private static final List<String> CLIENTS = List.of("app-a", "app-b", "app-c");

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> CLIENTS.forEach(clientId ->
            withBackchannelLogout(fixture.confidentialClient(clientId, clientId + "-secret"), receiver)));

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final OidcClient[] clients = CLIENTS.stream().map(realm::client).toArray(OidcClient[]::new);

    @BeforeEach
    void relyingPartiesAnswerAtOnce() {
        CLIENTS.forEach(clientId -> receiver.behave(clientId, attempt -> Reply.ok()));
    }

    @Test
    void logoutReturnsAtOnceWhileRelyingPartiesHangAndAllAreDeliveredAfterwards() {
        CLIENTS.forEach(clientId -> receiver.behave(clientId, attempt -> new Reply(200, 10_000)));
        SsoSession sso = SsoSession.loginTo(clients);

        long start = System.nanoTime();
        HttpResult logout = clients[0].logout(sso.refreshToken("app-a"));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(logout.status()).isEqualTo(204);
        assertThat(elapsedMillis).as("logout with three hanging relying parties").isLessThan(1_000);
        for (String clientId : CLIENTS) {
            Delivery delivery = awaitAccepted(clientId, sso.sessionId(), Duration.ofSeconds(40));
            assertThat(delivery.valid()).as(delivery.error()).isTrue();
            assertThat(delivery.sub()).isEqualTo(sso.userId());
        }
        String metrics = Deadline.await(Duration.ofSeconds(30), "the deliveries to be counted",
                () -> new io.github.sessionguard.testing.Http().get(server.managementUrl() + "/metrics", null).body(),
                body -> body.matches("(?s).*session_guard_logout_delivered_total(\\{[^}]*})? [1-9].*"));
        assertThat(metrics).contains("session_guard_logout_queue_depth")
                .contains("session_guard_logout_delivery_latency_seconds");
    }

    @Test
    void aRelyingPartyAnswering503FourTimesGetsTheSameJtiOnALaterTry() {
        receiver.behave("app-c", attempt -> new Reply(attempt <= 4 ? 503 : 200, 0));
        SsoSession sso = SsoSession.loginTo(clients);

        assertThat(admin.delete("/admin/realms/" + REALM + "/sessions/" + sso.sessionId()).status()).isEqualTo(204);

        awaitAccepted("app-c", sso.sessionId(), Duration.ofSeconds(60));
        List<Delivery> tries = deliveries("app-c", sso.sessionId());
        assertThat(tries).hasSize(5);
        assertThat(tries).allSatisfy(d -> assertThat(d.valid()).as(d.error()).isTrue());
        assertThat(tries.stream().map(Delivery::jti).distinct()).hasSize(1);
        assertThat(tries.stream().filter(Delivery::accepted)).hasSize(1);
    }

    @Test
    void aRelyingPartyAnswering400EndsInFailedAndTheAdminRetryDeliversIt() {
        receiver.behave("app-b", attempt -> new Reply(400, 0));
        SsoSession sso = SsoSession.loginTo(clients);
        clients[1].logout(sso.refreshToken("app-b"));

        JsonNode failed = Deadline.await(Duration.ofSeconds(30), "a failed notification for app-b",
                () -> notificationFor("failed", "app-b", sso.sessionId()), node -> node != null);
        assertThat(failed.get("attempts").asInt()).isEqualTo(1);
        assertThat(failed.get("lastError").asText()).contains("400");
        assertThat(deliveries("app-b", sso.sessionId())).hasSize(1);

        receiver.behave("app-b", attempt -> Reply.ok());
        HttpResult retry = admin.post("/admin/realms/" + REALM + "/session-guard/deliveries/"
                + failed.get("id").asText() + "/retry", null);
        assertThat(retry.status()).isEqualTo(200);

        Delivery delivered = awaitAccepted("app-b", sso.sessionId(), Duration.ofSeconds(30));
        assertThat(delivered.jti()).isEqualTo(failed.get("jti").asText());
        Deadline.await(Duration.ofSeconds(10), "the notification to show as delivered",
                () -> notificationFor("delivered", "app-b", sso.sessionId()) != null);
    }

    @Test
    void retryOfAnUnknownNotificationIs404AndABadStatusIs400() {
        assertThat(admin.post("/admin/realms/" + REALM + "/session-guard/deliveries/no-such-id/retry", null).status())
                .isEqualTo(404);
        HttpResult bad = admin.get("/admin/realms/" + REALM + "/session-guard/deliveries?status=lost");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("status");
    }

    private JsonNode notificationFor(String status, String clientId, String sessionId) {
        JsonNode list = admin.getJson("/admin/realms/" + REALM + "/session-guard/deliveries?status=" + status);
        return StreamSupport.stream(list.spliterator(), false)
                .filter(n -> clientId.equals(n.get("clientId").asText()) && sessionId.equals(n.get("userSessionId").asText()))
                .findFirst().orElse(null);
    }

    private List<Delivery> deliveries(String clientId, String sessionId) {
        return receiver.deliveriesTo(clientId).stream().filter(d -> sessionId.equals(d.sid())).toList();
    }

    private Delivery awaitAccepted(String clientId, String sessionId, Duration timeout) {
        return Deadline.await(timeout, "a delivered logout token for " + clientId,
                () -> deliveries(clientId, sessionId).stream().filter(Delivery::accepted).findFirst().orElse(null),
                delivery -> delivery != null);
    }
}
