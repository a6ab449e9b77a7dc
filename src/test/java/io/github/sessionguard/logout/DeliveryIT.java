package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.MovesTheSharedClock;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.TemporaryRealm;
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
@MovesTheSharedClock
class DeliveryIT {

    private static final String KEY_PROVIDER = "org.keycloak.keys.KeyProvider";

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
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName, (fixture, receiver) ->
                clients.forEach(id -> withBackchannelLogout(fixture.publicClient(id), receiver)))) {
            LogoutReceiver receiver = realm.receiver();
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
                // Every answer recorded (the last ones come 14 s after their POST), then Keycloak's clock moved past
                // every lease (60 s, at least the longest try + 30 s): a row whose outcome was lost would be claimed
                // and sent again by the next polls (every second). Moved earlier, it would cut short leases of tries
                // still in flight, which no real clock does.
                Deadline.await(Duration.ofSeconds(60), "every outcome recorded",
                        () -> rows(realmName, "delivered").size() == 80);
                server.setClockAhead(Duration.ofMinutes(2));
                Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + 5, "a possible second claim");
                Map<String, Long> postsPerJti = receiver.deliveries().stream()
                        .collect(Collectors.groupingBy(Delivery::jti, Collectors.counting()));
                // Control: on the moved clock the worker still claims and sends what becomes due.
                OidcClient control = OidcClient.publicClient(server, realmName, clients.get(0));
                String controlToken = control.login(USER, PASSWORD).get("refresh_token").asText();
                assertThat(control.logout(controlToken).status()).isEqualTo(204);
                String controlSid = Jwt.claims(controlToken).get("sid").asText();
                Deadline.await(Duration.ofSeconds(30), "the control session's logout token",
                        () -> receiver.deliveries().stream().anyMatch(d -> controlSid.equals(d.sid())));
                assertThat(postsPerJti).hasSize(80);
                assertThat(postsPerJti.values()).as("POSTs per jti").allMatch(count -> count == 1);
            } finally {
                server.setClockAhead(Duration.ZERO);
            }
        }
    }

    /**
     * Issue 20: the pipeline sends a claim's tokens and records their answers later. Here the claim runs out while its
     * tokens are in flight (the relying party holds its first answers 10 s, and Keycloak's clock passes the lease
     * meanwhile): the rows are claimed and sent again, with the same jti, and the late answers to the first tries are
     * not recorded, since their claim is gone. Each notification ends delivered with the one try its claim still held.
     */
    @Test
    void answersToAClaimThatRanOutMeanwhileAreNotRecorded() {
        String realmName = "delivery-lease-lost";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName,
                (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("held"), receiver))) {
            LogoutReceiver receiver = realm.receiver();
            receiver.behave("held", attempt -> attempt <= 5 ? new Reply(200, 10_000) : Reply.ok());
            OidcClient held = OidcClient.publicClient(server, realmName, "held");
            for (int i = 0; i < 5; i++) {
                held.login(USER, PASSWORD);
            }
            try {
                assertThat(admin.post("/admin/realms/" + realmName + "/logout-all", null).status()).isEqualTo(200);
                Deadline.await(Duration.ofSeconds(30), "the first tries in flight",
                        () -> receiver.deliveries().size() == 5);
                long firstAnswersAt = System.currentTimeMillis() + 10_000;

                server.setClockAhead(Duration.ofMinutes(2));

                Deadline.await(Duration.ofSeconds(30), "every token sent again",
                        () -> receiver.deliveries().size() == 10);
                Deadline.await(Duration.ofSeconds(30), "every notification delivered",
                        () -> rows(realmName, "delivered").size() == 5);
                // The first answers come 10 s after their POST; then a write of the recorder, had it recorded them.
                Deadline.awaitEpochSecondPassed(firstAnswersAt / 1000 + 2, "the late answers and their recording");
                assertThat(receiver.deliveries().stream().collect(Collectors.groupingBy(Delivery::jti,
                        Collectors.counting())).values()).as("POSTs per jti").containsOnly(2L);
                assertThat(rows(realmName, "delivered")).as("tries recorded per notification").hasSize(5)
                        .allSatisfy(row -> assertThat(row.get("attempts").asInt()).isEqualTo(1));
            } finally {
                server.setClockAhead(Duration.ZERO);
            }
        }
    }

    /** Problem 4: one tenant's hanging endpoint holds at most its share of the slots; another realm's logout leaves. */
    @Test
    @AlsoOnH2
    void aHangingRelyingPartyDoesNotDelayAnotherRealm() {
        try (TemporaryRealm hangingRealm = TemporaryRealm.create(server, admin, "delivery-hanging",
                (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("stuck"), receiver));
                TemporaryRealm healthyRealm = TemporaryRealm.create(server, admin, "delivery-healthy",
                        (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("fine"), receiver))) {
            LogoutReceiver hanging = hangingRealm.receiver();
            LogoutReceiver healthy = healthyRealm.receiver();
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
        }
    }

    /**
     * Problem 10: an error answer whose body drips slowly, with a NUL byte in it, holds a delivery only for a bounded
     * time; the outcome is recorded (printable text only) and the count of tries rises.
     */
    @Test
    void aDrippingErrorBodyWithANulByteIsBoundedAndRecorded() {
        String realmName = "delivery-drip";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName,
                (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("dripping"), receiver))) {
            LogoutReceiver receiver = realm.receiver();
            receiver.behave("dripping", attempt -> new Reply(500, 0, "oops\u0000" + "x".repeat(400), 200));
            OidcClient client = OidcClient.publicClient(server, realmName, "dripping");
            String refreshToken = client.login(USER, PASSWORD).get("refresh_token").asText();
            assertThat(client.logout(refreshToken).status()).isEqualTo(204);

            JsonNode row = Deadline.await(Duration.ofSeconds(60), "two recorded tries",
                    () -> first(realmName, "pending"), node -> node != null && node.get("attempts").asInt() >= 2);
            assertThat(row.get("lastError").asText()).startsWith("HTTP 500: oops?x").doesNotContain("\u0000");
            assertThat(receiver.deliveriesTo("dripping")).hasSizeLessThanOrEqualTo(row.get("attempts").asInt() + 1);
        }
    }

    /**
     * Issue 20: a success's body is read to its end to keep the connection, but one that drips (here 400 bytes at one
     * every 200 ms, 80 s in all) or goes on past the bound is cut off at the body timeout (2 s): the token counts as
     * delivered, once, and the next one goes out as usual.
     */
    @Test
    void aDrippingSuccessBodyIsCutOffAndTheTokenCountsAsDelivered() {
        String realmName = "delivery-success-drip";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName,
                (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("dripping-ok"), receiver))) {
            LogoutReceiver receiver = realm.receiver();
            receiver.behave("dripping-ok", attempt -> attempt == 1 ? new Reply(200, 0, "x".repeat(400), 200)
                    : Reply.ok());
            OidcClient client = OidcClient.publicClient(server, realmName, "dripping-ok");
            for (int i = 0; i < 2; i++) {
                assertThat(client.logout(client.login(USER, PASSWORD).get("refresh_token").asText()).status())
                        .isEqualTo(204);
            }

            List<JsonNode> delivered = Deadline.await(Duration.ofSeconds(30), "both recorded as delivered",
                    () -> rows(realmName, "delivered"), rows -> rows.size() == 2);
            assertThat(delivered).allSatisfy(row -> assertThat(row.get("attempts").asInt()).isEqualTo(1));
            assertThat(receiver.deliveriesTo("dripping-ok")).hasSize(2);
        }
    }

    /**
     * Issue 19, problem 3: a dead letter's retry, after the administrator fixed the client's back-channel logout URL,
     * goes to the fixed URL, and the old one hears nothing more.
     */
    @Test
    @AlsoOnH2
    void aDeadLettersRetryGoesToTheUrlTheAdministratorFixed() {
        String realmName = "delivery-fixed-url";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName,
                (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("moved"), receiver));
                LogoutReceiver fixed = new LogoutReceiver(server, realmName)) {
            LogoutReceiver old = realm.receiver();
            old.behave("moved", attempt -> new Reply(400, 0));
            loginAndLogout(realmName, "moved");
            JsonNode dead = Deadline.await(Duration.ofSeconds(60), "a dead letter",
                    () -> first(realmName, "failed"), node -> node != null);

            setBackchannelUrl(realmName, "moved", fixed.urlFor("moved"));
            assertThat(admin.post("/admin/realms/" + realmName + "/session-guard/deliveries/"
                    + dead.get("id").asText() + "/retry", null).status()).isEqualTo(200);

            Delivery told = Deadline.await(Duration.ofSeconds(30), "the retry at the fixed URL",
                    () -> fixed.deliveriesTo("moved").stream().findFirst().orElse(null), d -> d != null);
            assertThat(told.jti()).isEqualTo(dead.get("jti").asText());
            assertThat(old.deliveriesTo("moved")).as("tries at the old URL").hasSize(1);
            JsonNode delivered = Deadline.await(Duration.ofSeconds(10), "the delivery recorded",
                    () -> first(realmName, "delivered"), node -> node != null);
            assertThat(delivered.get("url").asText()).isEqualTo(fixed.urlFor("moved"));
        }
    }

    /**
     * Issue 19, problem 3: a notification waiting for its next try (the relying party is down) goes to the URL the
     * administrator changed it to meanwhile; the old endpoint, back up by then, gets nothing.
     */
    @Test
    @AlsoOnH2
    void aPendingNotificationGoesToTheUrlInForceWhenItIsSent() {
        String realmName = "delivery-changed-url";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName,
                (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("moving"), receiver));
                LogoutReceiver changed = new LogoutReceiver(server, realmName)) {
            LogoutReceiver old = realm.receiver();
            old.goDown();
            loginAndLogout(realmName, "moving");
            Deadline.await(Duration.ofSeconds(30), "a failed try", () -> first(realmName, "pending"),
                    node -> node != null && node.get("attempts").asInt() >= 1);

            setBackchannelUrl(realmName, "moving", changed.urlFor("moving"));
            old.comeBack();

            Deadline.await(Duration.ofSeconds(60), "the notification at the changed URL",
                    () -> !changed.deliveriesTo("moving").isEmpty());
            assertThat(old.deliveriesTo("moving")).isEmpty();
            assertThat(changed.deliveriesTo("moving")).hasSize(1);
        }
    }

    /**
     * Issue 19, problem 3: a notification whose client no longer has a back-channel logout URL, or was disabled, by
     * the time it is sent is skipped for good, with the reason in the deliveries listing, not retried forever.
     */
    @Test
    @AlsoOnH2
    void aClientNoLongerToldIsSkippedWithTheReason() {
        String realmName = "delivery-skipped";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName, (fixture, receiver) -> {
            withBackchannelLogout(fixture.publicClient("cleared"), receiver);
            withBackchannelLogout(fixture.publicClient("disabled"), receiver);
        })) {
            LogoutReceiver receiver = realm.receiver();
            receiver.goDown();
            loginAndLogout(realmName, "cleared");
            loginAndLogout(realmName, "disabled");
            Deadline.await(Duration.ofSeconds(30), "a failed try of each", () -> rows(realmName, "pending"),
                    rows -> rows.size() == 2 && rows.stream().allMatch(row -> row.get("attempts").asInt() >= 1));

            setBackchannelUrl(realmName, "cleared", "");
            ObjectNode disabled = clientJson(realmName, "disabled");
            disabled.put("enabled", false);
            assertThat(admin.put("/admin/realms/" + realmName + "/clients/" + disabled.get("id").asText(),
                    disabled).status()).isEqualTo(204);
            receiver.comeBack();

            Deadline.await(Duration.ofSeconds(60), "both to leave the pending list",
                    () -> rows(realmName, "pending").isEmpty());
            List<JsonNode> skipped = rows(realmName, "skipped");
            assertThat(skipped).hasSize(2);
            Map<String, String> reasons = skipped.stream().collect(Collectors.toMap(
                    row -> row.get("clientId").asText(), row -> row.get("lastError").asText()));
            assertThat(reasons.get("cleared")).contains("no back-channel logout URL");
            assertThat(reasons.get("disabled")).contains("disabled");
            assertThat(skipped).allSatisfy(row -> assertThat(row.get("nextAttemptAt").isNull()).isTrue());
            assertThat(receiver.deliveries()).isEmpty();
        }
    }

    /**
     * Issue 20: the node keeps a logout-token signer between batches, and it still signs as Keycloak would sign at
     * that moment. After the client's algorithm changes to ES256, the next token is ES256; after the realm's RSA key
     * is replaced (a new key, the old one deleted), the next token is signed with the new key. The relying party
     * accepts each against the realm's published keys.
     */
    @Test
    void theNextTokenIsSignedWithTheAlgorithmAndTheKeyInForce() {
        String realmName = "delivery-keys";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName,
                (fixture, receiver) -> withBackchannelLogout(fixture.publicClient("keyed"), receiver))) {
            LogoutReceiver receiver = realm.receiver();
            String firstKey = activeKey(realmName, "RS256");
            Delivery first = nextDelivery(realmName, receiver, 1);
            assertThat(List.of(first.algorithm(), first.keyId())).containsExactly("RS256", firstKey);

            setIdTokenAlgorithm(realmName, "keyed", "ES256");
            Delivery ecdsa = nextDelivery(realmName, receiver, 2);
            assertThat(List.of(ecdsa.algorithm(), ecdsa.keyId()))
                    .containsExactly("ES256", activeKey(realmName, "ES256"));

            setIdTokenAlgorithm(realmName, "keyed", "RS256");
            String realmId = admin.getJson("/admin/realms/" + realmName).get("id").asText();
            ObjectNode newKey = Json.object().put("name", "rsa-replacement").put("providerId", "rsa-generated")
                    .put("providerType", KEY_PROVIDER).put("parentId", realmId);
            newKey.putObject("config").putArray("priority").add("500");
            assertThat(admin.post("/admin/realms/" + realmName + "/components", newKey).status()).isEqualTo(201);
            JsonNode keyProviders = admin.getJson("/admin/realms/" + realmName + "/components?type=" + KEY_PROVIDER);
            for (JsonNode component : keyProviders) {
                if (component.get("providerId").asText().equals("rsa-generated")
                        && !component.get("name").asText().equals("rsa-replacement")) {
                    assertThat(admin.delete("/admin/realms/" + realmName + "/components/"
                            + component.get("id").asText()).status()).isEqualTo(204);
                }
            }
            String replacement = activeKey(realmName, "RS256");
            assertThat(replacement).isNotEqualTo(firstKey);
            Delivery rotated = nextDelivery(realmName, receiver, 3);
            assertThat(List.of(rotated.algorithm(), rotated.keyId())).containsExactly("RS256", replacement);
        }
    }

    /** Signs in and out of client "keyed", and returns the {@code count}-th token it was told, checked valid. */
    private Delivery nextDelivery(String realmName, LogoutReceiver receiver, int count) {
        loginAndLogout(realmName, "keyed");
        List<Delivery> told = Deadline.await(Duration.ofSeconds(30), "logout token " + count,
                () -> receiver.deliveriesTo("keyed"), deliveries -> deliveries.size() >= count);
        Delivery delivery = told.get(count - 1);
        assertThat(delivery.error()).as("the relying party's verdict on token " + count).isNull();
        return delivery;
    }

    private String activeKey(String realmName, String algorithm) {
        return admin.getJson("/admin/realms/" + realmName + "/keys").get("active").get(algorithm).asText();
    }

    private void loginAndLogout(String realmName, String clientId) {
        OidcClient client = OidcClient.publicClient(server, realmName, clientId);
        String refreshToken = client.login(USER, PASSWORD).get("refresh_token").asText();
        assertThat(client.logout(refreshToken).status()).isEqualTo(204);
    }

    private ObjectNode clientJson(String realmName, String clientId) {
        return (ObjectNode) admin.getJson("/admin/realms/" + realmName + "/clients?clientId=" + clientId).get(0);
    }

    private void setBackchannelUrl(String realmName, String clientId, String url) {
        setClientAttribute(realmName, clientId, "backchannel.logout.url", url);
    }

    private void setIdTokenAlgorithm(String realmName, String clientId, String algorithm) {
        setClientAttribute(realmName, clientId, "id.token.signed.response.alg", algorithm);
    }

    private void setClientAttribute(String realmName, String clientId, String attribute, String value) {
        ObjectNode client = clientJson(realmName, clientId);
        ((ObjectNode) client.get("attributes")).put(attribute, value);
        assertThat(admin.put("/admin/realms/" + realmName + "/clients/" + client.get("id").asText(), client)
                .status()).isEqualTo(204);
    }

    private List<JsonNode> rows(String realmName, String status) {
        JsonNode rows = admin.getJson("/admin/realms/" + realmName + "/session-guard/deliveries?status=" + status);
        return StreamSupport.stream(rows.spliterator(), false).toList();
    }

    private JsonNode first(String realmName, String status) {
        return rows(realmName, status).stream().findFirst().orElse(null);
    }
}
