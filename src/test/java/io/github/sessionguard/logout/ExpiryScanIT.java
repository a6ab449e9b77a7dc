package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.KeycloakServer.SCAN_AND_DELIVERY;
import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.KeycloakServerExtension;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.MovesTheSharedClock;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.TemporaryRealm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The expiry scan on running sessions. Issue 10, problem 2: the poisoned row (a tier client's participation outlives
 * its back-channel logout URL; the scan must neither fail on it nor stop telling anyone else, in any realm). Issue 19:
 * the scan settles a participation by the tier in force when it looks, not the one of the login, with the tier
 * assigned both ways (a tier scope's profile, a client-id policy); and a remember-me session is scheduled by the
 * realm's remember-me idle, not looked at every interval past the ordinary idle.
 */
@KeycloakIntegrationTest
@AlsoOnH2
@MovesTheSharedClock
class ExpiryScanIT {

    /** Tier high's idle (15 min), and an hour: the two idles a tier change moves between. */
    private static final int STRICT = 900;
    private static final int LOOSE = 3_600;
    private static final Duration OTHER_MAX = Duration.ofHours(10);

    private final KeycloakServer server;
    private final AdminApi admin;

    ExpiryScanIT(KeycloakServer server, AdminApi admin) {
        this.server = server;
        this.admin = admin;
    }

    /**
     * Issue 21: the scan is started by its own SPI's factory, and its options (here the tests' interval and the shared
     * server's batch size, both off their defaults, set under that SPI) reach it; the server info shows what is in
     * force.
     */
    @Test
    void theScanRunsWithTheOptionsOfItsOwnSpi() {
        JsonNode scan = admin.getJson("/admin/serverinfo")
                .at("/providers/session-guard-expiry-scan/providers/default/operationalInfo");

        assertThat(scan.path("running").asText()).as(scan.toString()).isEqualTo("true");
        assertThat(scan.path("batch-size").asText()).isEqualTo(String.valueOf(KeycloakServerExtension.SCAN_BATCH_SIZE));
        assertThat(scan.path("interval-seconds").asText())
                .isEqualTo(String.valueOf(KeycloakServer.EXPIRY_SCAN_INTERVAL.toSeconds()));
    }

    @Test
    void aParticipationWhoseClientLostItsUrlNeitherFailsTheScanNorHoldsUpAnotherRealm() {
        try (TemporaryRealm poisonedRealm = TemporaryRealm.create(server, admin, "scan-poisoned",
                (fixture, receiver) -> {
                    withBackchannelLogout(fixture.publicClient("cleared"), receiver);
                    // The client logs in with the password grant, which the preset refuses in high
                    // (refuse-legacy-grants); the scan this test is about doesn't depend on how the session began.
                    fixture.tierProfile("high", Map.of("tier", "high", "refuse-legacy-grants", false))
                            .policyForClients("high-policy", "high", "cleared");
                });
                TemporaryRealm otherRealm = TemporaryRealm.create(server, admin, "scan-other",
                        (fixture, receiver) -> {
                    fixture.set("ssoSessionMaxLifespan", OTHER_MAX.toSeconds())
                            .set("ssoSessionIdleTimeout", OTHER_MAX.toSeconds());
                    withBackchannelLogout(fixture.publicClient("plain"), receiver);
                })) {
            LogoutReceiver poisoned = poisonedRealm.receiver();
            LogoutReceiver other = otherRealm.receiver();
            OidcClient.publicClient(server, "scan-poisoned", "cleared").login(USER, PASSWORD);
            JsonNode client = admin.getJson("/admin/realms/scan-poisoned/clients?clientId=cleared").get(0);
            ObjectNode changed = client.deepCopy();
            ((ObjectNode) changed.get("attributes")).put("backchannel.logout.url", "");
            assertThat(admin.put("/admin/realms/scan-poisoned/clients/" + client.get("id").asText(), changed)
                    .status()).isEqualTo(204);
            String otherSession = Jwt.claims(OidcClient.publicClient(server, "scan-other", "plain")
                    .login(USER, PASSWORD).get("access_token").asText()).get("sid").asText();

            // Past tier high's 15 minutes idle of the poisoned row and the other realm's 10 h maximum: both are due
            // at the next scan, the poisoned one first.
            server.setClockAhead(OTHER_MAX.plusSeconds(1));
            Delivery told = Deadline.await(SCAN_AND_DELIVERY.multipliedBy(3), "the other realm's expiry to be told",
                    () -> other.deliveriesTo("plain").stream().filter(d -> otherSession.equals(d.sid()))
                            .findFirst().orElse(null), d -> d != null);

            assertThat(told.valid()).as(told.error()).isTrue();
            assertThat(poisoned.deliveries()).isEmpty();
        }
    }

    /**
     * Issue 19, problem 3: an administrator changes tiers after the logins. A relaxed tier (idle 15 min to 1 h) keeps
     * the session past the old idle window with no logout token, and its refresh keeps working; a stricter one (1 h to
     * 15 min) ends the session and tells the client; a client taken out of its tier is not cut by a tier deadline.
     * The control, a client whose strict tier nobody changed, is ended and told in the same window. The time passes
     * on the server's clock.
     */
    @Test
    void anAdministratorsTierChangeReachesRunningSessions() {
        String realmName = "scan-present";
        List<String> relaxed = List.of("relaxed-by-policy", "relaxed-by-scope");
        List<String> tightened = List.of("tightened-by-policy", "tightened-by-scope");
        List<String> out = List.of("out-by-policy", "out-by-scope");
        List<String> clients = new ArrayList<>(List.of("strict-control"));
        clients.addAll(relaxed);
        clients.addAll(tightened);
        clients.addAll(out);
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName, (fixture, receiver) -> {
            clients.forEach(clientId -> withBackchannelLogout(fixture.publicClient(clientId), receiver));
            fixture.tierProfile("strict", tier(STRICT)).policyForClients("strict", "strict", "strict-control")
                    .tierProfile("relax", tier(STRICT)).policyForClients("relax", "relax", "relaxed-by-policy")
                    .tierProfile("tighten", tier(LOOSE)).policyForClients("tighten", "tighten",
                            "tightened-by-policy")
                    .tierProfile("drop", tier(STRICT)).policyForClients("drop", "drop", "out-by-policy");
        })) {
            LogoutReceiver receiver = realm.receiver();
            assertThat(admin.post("/admin/realms/" + realmName + "/session-guard/tiers", null).status())
                    .isEqualTo(200);
            editProfiles(realmName, Map.of("session-tier-high", STRICT, "session-tier-medium", LOOSE,
                    "session-tier-low", STRICT));
            addDefaultScope(realmName, "relaxed-by-scope", "session-tier-high");
            addDefaultScope(realmName, "tightened-by-scope", "session-tier-medium");
            addDefaultScope(realmName, "out-by-scope", "session-tier-low");
            Map<String, JsonNode> tokens = new LinkedHashMap<>();
            clients.forEach(clientId -> tokens.put(clientId, client(realmName, clientId).login(USER, PASSWORD)));

            editProfiles(realmName, Map.of("relax", LOOSE, "session-tier-high", LOOSE, "tighten", STRICT,
                    "session-tier-medium", STRICT));
            dropClientsOfPolicy(realmName, "drop");
            removeDefaultScope(realmName, "out-by-scope", "session-tier-low");
            // Some use, five minutes after the logins.
            server.setClockAhead(Duration.ofMinutes(5));
            for (String clientId : concat(relaxed, out)) {
                HttpResult refreshed = client(realmName, clientId).refresh(
                        tokens.get(clientId).get("refresh_token").asText());
                assertThat(refreshed.status()).as(clientId + ": " + refreshed).isEqualTo(200);
                tokens.put(clientId, refreshed.json());
            }

            // Past the old idle (15 min) from the refresh, inside the new one (1 h): the main this was filed
            // against cut the relaxed sessions here. The control and the tightened ones are past 15 min too.
            server.setClockAhead(Duration.ofMinutes(5).plusSeconds(STRICT + 100));
            Deadline.await(SCAN_AND_DELIVERY.multipliedBy(3), "the control to be told",
                    () -> !receiver.deliveriesTo("strict-control").isEmpty());
            Deadline.await(SCAN_AND_DELIVERY.multipliedBy(3), "the tightened clients to be told",
                    () -> tightened.stream().allMatch(clientId -> !receiver.deliveriesTo(clientId).isEmpty()));
            Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + SCAN_AND_DELIVERY.toSeconds(),
                    "one more scan, for a relaxed session to be cut wrongly");

            assertThat(tierReasons(realmName)).as("LOGOUT events by client")
                    .containsEntry("strict-control", "tier_idle_timeout")
                    .containsEntry("tightened-by-policy", "tier_idle_timeout")
                    .containsEntry("tightened-by-scope", "tier_idle_timeout");
            for (String clientId : concat(relaxed, out)) {
                assertThat(receiver.deliveriesTo(clientId)).as(clientId + " told").isEmpty();
                HttpResult again = client(realmName, clientId).refresh(
                        tokens.get(clientId).get("refresh_token").asText());
                assertThat(again.status()).as(clientId + " refreshes after the old window: " + again)
                        .isEqualTo(200);
            }
        }
    }

    /**
     * Issue 19, problem 9: a remember-me session is alive past the realm's ordinary SSO idle, so its participation is
     * next looked at by the remember-me idle, not every interval once the ordinary idle passed. The control, a
     * session without remember-me in the same realm, is ended by that idle and told: the scan ran past it.
     */
    @Test
    void aRememberMeSessionIsScheduledByTheRememberMeIdle() {
        String realmName = "scan-remember-me";
        try (TemporaryRealm realm = TemporaryRealm.create(server, admin, realmName, (fixture, receiver) -> {
            fixture.set("rememberMe", true).set("ssoSessionIdleTimeout", 10)
                    .set("ssoSessionIdleTimeoutRememberMe", 3_600).set("ssoSessionMaxLifespanRememberMe", 36_000);
            withBackchannelLogout(fixture.publicClient("remembered"), receiver);
            withBackchannelLogout(fixture.publicClient("forgotten"), receiver);
        })) {
            LogoutReceiver receiver = realm.receiver();
            OidcClient remembered = client(realmName, "remembered");
            BrowserSession browser = new BrowserSession();
            BrowserSession.Outcome form = browser.authorize(remembered.authorizationUrl(RealmFixture.REDIRECT_URI,
                    "openid", Map.of()));
            String code = browser.submitLogin(form, USER, PASSWORD, true).queryParameter("code");
            HttpResult exchanged = remembered.exchangeCode(code, RealmFixture.REDIRECT_URI);
            assertThat(exchanged.status()).as(exchanged.toString()).isEqualTo(200);
            String rememberedSession = Jwt.claims(exchanged.json().get("access_token").asText()).get("sid")
                    .asText();
            String forgottenSession = Jwt.claims(client(realmName, "forgotten").login(USER, PASSWORD)
                    .get("access_token").asText()).get("sid").asText();

            assertThat(secondsAhead(realmName, rememberedSession, "remembered")).as("remembered, at login")
                    .isGreaterThan(3_000);
            Deadline.await(Duration.ofSeconds(60), "the session without remember-me to be told",
                    () -> receiver.deliveriesTo("forgotten").stream()
                            .anyMatch(d -> forgottenSession.equals(d.sid())));

            assertThat(secondsAhead(realmName, rememberedSession, "remembered"))
                    .as("remembered, after the ordinary idle and a scan").isGreaterThan(3_000);
            assertThat(receiver.deliveriesTo("remembered")).isEmpty();
        }
    }

    /** Tier high with the idle given, and the password grant these tests log in with. */
    private static Map<String, Object> tier(int idleSeconds) {
        return Map.of("tier", "high", "idle-timeout", idleSeconds, "reuse-grace-period", 0,
                "refuse-legacy-grants", false);
    }

    private OidcClient client(String realmName, String clientId) {
        return OidcClient.publicClient(server, realmName, clientId);
    }

    /** Sets each named profile's session-tier executor to the idle given, and the other keys of {@link #tier}. */
    private void editProfiles(String realmName, Map<String, Integer> idleByProfile) {
        String path = "/admin/realms/" + realmName + "/client-policies/profiles";
        JsonNode profiles = admin.getJson(path);
        for (JsonNode profile : profiles.get("profiles")) {
            Integer idle = idleByProfile.get(profile.get("name").asText());
            if (idle != null) {
                ObjectNode configuration = (ObjectNode) profile.get("executors").get(0).get("configuration");
                configuration.put("idle-timeout", String.valueOf(idle)).put("reuse-grace-period", "0")
                        .put("refuse-legacy-grants", "false");
            }
        }
        HttpResult saved = admin.put(path, profiles);
        assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
    }

    /** The policy's client-id condition selects no client of the realm any more. */
    private void dropClientsOfPolicy(String realmName, String policyName) {
        String path = "/admin/realms/" + realmName + "/client-policies/policies";
        JsonNode policies = admin.getJson(path);
        for (JsonNode policy : policies.get("policies")) {
            if (policy.get("name").asText().equals(policyName)) {
                ((ObjectNode) policy.get("conditions").get(0).get("configuration")).putArray("clients")
                        .add("no-such-client");
            }
        }
        HttpResult saved = admin.put(path, policies);
        assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
    }

    private void addDefaultScope(String realmName, String clientId, String scopeName) {
        HttpResult added = admin.put(defaultScopePath(realmName, clientId, scopeName), null);
        assertThat(added.status()).as(added.toString()).isEqualTo(204);
    }

    private void removeDefaultScope(String realmName, String clientId, String scopeName) {
        HttpResult removed = admin.delete(defaultScopePath(realmName, clientId, scopeName));
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);
    }

    private String defaultScopePath(String realmName, String clientId, String scopeName) {
        String client = admin.getJson("/admin/realms/" + realmName + "/clients?clientId=" + clientId).get(0)
                .get("id").asText();
        String scope = null;
        for (JsonNode candidate : admin.getJson("/admin/realms/" + realmName + "/client-scopes")) {
            if (candidate.get("name").asText().equals(scopeName)) {
                scope = candidate.get("id").asText();
            }
        }
        return "/admin/realms/" + realmName + "/clients/" + client + "/default-client-scopes/" + scope;
    }

    /** The reason of each client's LOGOUT event that names a client. */
    private Map<String, String> tierReasons(String realmName) {
        Map<String, String> reasons = new HashMap<>();
        admin.events(realmName, "LOGOUT").forEach(event -> {
            if (event.hasNonNull("clientId")) {
                reasons.put(event.get("clientId").asText(), event.path("details").path("reason").asText());
            }
        });
        return reasons;
    }

    /** How far ahead of now the scan next looks at the participation, as the test provider shows it. */
    private long secondsAhead(String realmName, String userSessionId, String clientId) {
        HttpResult probe = new Http().get(server.realmUrl(realmName) + "/session-guard-test/participants/"
                + userSessionId + "/" + clientId, null);
        assertThat(probe.status()).as(probe.toString()).isEqualTo(200);
        return probe.json().get("checkAt").asLong() - System.currentTimeMillis() / 1000;
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }
}
