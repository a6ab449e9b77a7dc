package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Delivery under relying parties that are slow, hang, or answer with garbage: once per attempt, fair between relying
 * parties, and bounded in time. Each test works in realms of its own and removes them (their rows go with them).
 */
@KeycloakIntegrationTest
class DeliveryIT {

    private KeycloakServer server;
    private AdminApi admin;

    DeliveryIT(KeycloakServer server, AdminApi admin) {
        this.server = server;
        this.admin = admin;
    }

    /**
     * Problem 3: 80 sessions ended at once, the relying parties answering 200 after 14 s, more than the pool can
     * send within one lease of the old poll. Every logout token arrives once: one POST per {@code jti}.
     */
    @Test
    void aRelyingPartySlowerThanTheLeaseGetsEveryTokenOnce() {
        String realmName = "delivery-slow";
        List<String> clients = List.of("slow-1", "slow-2", "slow-3", "slow-4");
        try (LogoutReceiver receiver = new LogoutReceiver(server, realmName)) {
            RealmFixture realm = new RealmFixture(realmName);
            clients.forEach(id -> withBackchannelLogout(realm.publicClient(id), receiver));
            realm.create(admin);
            try {
                clients.forEach(id -> receiver.behave(id, attempt -> new Reply(200, 14_000)));
                Set<String> sessions = new HashSet<>();
                for (int i = 0; i < 80; i++) {
                    OidcClient client = OidcClient.publicClient(server, realmName, clients.get(i % clients.size()));
                    sessions.add(Jwt.claims(client.login(USER, PASSWORD).get("access_token").asText()).get("sid")
                            .asText());
                }

                assertThat(admin.post("/admin/realms/" + realmName + "/logout-all", null).status()).isEqualTo(200);

                Deadline.await(Duration.ofMinutes(4), "every session to be told",
                        () -> receiver.deliveries().stream().filter(Delivery::accepted).map(Delivery::sid)
                                .collect(Collectors.toSet()).containsAll(sessions));
                // A second claim of a row would come once its lease (at least the longest try + 30 s) ran out.
                Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + 50, "a possible second claim");
                Map<String, Long> postsPerJti = receiver.deliveries().stream()
                        .collect(Collectors.groupingBy(Delivery::jti, Collectors.counting()));
                assertThat(postsPerJti).hasSize(80);
                assertThat(postsPerJti.values()).as("POSTs per jti").allMatch(count -> count == 1);
            } finally {
                admin.deleteRealm(realmName);
            }
        }
    }

    /** Problem 4: one tenant's hanging endpoint holds at most its share of the slots; another realm's logout leaves. */
    @Test
    void aHangingRelyingPartyDoesNotDelayAnotherRealm() {
        try (LogoutReceiver hanging = new LogoutReceiver(server, "delivery-hanging");
                LogoutReceiver healthy = new LogoutReceiver(server, "delivery-healthy")) {
            RealmFixture hangingRealm = new RealmFixture("delivery-hanging");
            withBackchannelLogout(hangingRealm.publicClient("stuck"), hanging);
            hangingRealm.create(admin);
            RealmFixture healthyRealm = new RealmFixture("delivery-healthy");
            withBackchannelLogout(healthyRealm.publicClient("fine"), healthy);
            healthyRealm.create(admin);
            try {
                hanging.behave("stuck", attempt -> new Reply(200, 60_000));
                OidcClient stuck = OidcClient.publicClient(server, "delivery-hanging", "stuck");
                for (int i = 0; i < 40; i++) {
                    stuck.login(USER, PASSWORD);
                }
                assertThat(admin.post("/admin/realms/delivery-hanging/logout-all", null).status()).isEqualTo(200);
                Deadline.await(Duration.ofSeconds(30), "the hanging endpoint to hold deliveries",
                        () -> hanging.deliveries().size() >= 4);

                String refreshToken = OidcClient.publicClient(server, "delivery-healthy", "fine")
                        .login(USER, PASSWORD).get("refresh_token").asText();
                long loggedOutAt = System.currentTimeMillis();
                assertThat(OidcClient.publicClient(server, "delivery-healthy", "fine").logout(refreshToken).status())
                        .isEqualTo(204);

                Delivery told = Deadline.await(Duration.ofSeconds(60), "the healthy realm's logout token",
                        () -> healthy.deliveriesTo("fine").stream().findFirst().orElse(null), d -> d != null);
                assertThat(told.receivedAtMillis() - loggedOutAt).as("delay behind a hanging relying party")
                        .isLessThan(5_000);
            } finally {
                admin.deleteRealm("delivery-hanging");
                admin.deleteRealm("delivery-healthy");
            }
        }
    }

    /**
     * Problem 10: an error answer whose body drips slowly, with a NUL byte in it, holds a delivery only for a bounded
     * time; the outcome is recorded (printable text only) and the count of tries rises.
     */
    @Test
    void aDrippingErrorBodyWithANulByteIsBoundedAndRecorded() {
        String realmName = "delivery-drip";
        try (LogoutReceiver receiver = new LogoutReceiver(server, realmName)) {
            RealmFixture realm = new RealmFixture(realmName);
            withBackchannelLogout(realm.publicClient("dripping"), receiver);
            realm.create(admin);
            try {
                receiver.behave("dripping", attempt -> new Reply(500, 0, "oops\u0000" + "x".repeat(400), 200));
                OidcClient client = OidcClient.publicClient(server, realmName, "dripping");
                String refreshToken = client.login(USER, PASSWORD).get("refresh_token").asText();
                assertThat(client.logout(refreshToken).status()).isEqualTo(204);

                JsonNode row = Deadline.await(Duration.ofSeconds(60), "two recorded tries",
                        () -> pending(realmName), node -> node != null && node.get("attempts").asInt() >= 2);
                assertThat(row.get("lastError").asText()).startsWith("HTTP 500: oops?x").doesNotContain("\u0000");
                assertThat(receiver.deliveriesTo("dripping")).hasSizeLessThanOrEqualTo(row.get("attempts").asInt() + 1);
            } finally {
                admin.deleteRealm(realmName);
            }
        }
    }

    private JsonNode pending(String realmName) {
        JsonNode rows = admin.getJson("/admin/realms/" + realmName + "/session-guard/deliveries?status=pending");
        return StreamSupport.stream(rows.spliterator(), false).findFirst().orElse(null);
    }
}
