package io.github.sessionguard.admin;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GET /admin/realms/{realm}/session-guard/report on two realms: one built to trigger every finding, one built to
 * avoid them all. Both are built once; the report is read, never changed, so the tests need no waiting beyond the
 * one dead letter the weak realm needs.
 */
@KeycloakIntegrationTest
class PostureReportIT {

    private static final String WEAK = "posture-weak";
    private static final String CLEAN = "posture-clean";
    private static final List<String> EVERY_ID = List.of("pkce-not-enforced", "implicit-flow-enabled",
            "password-grant-enabled", "wildcard-redirect-uri", "refresh-token-not-rotated", "dpop-not-required",
            "front-channel-logout-on", "no-backchannel-logout-url", "weak-signature-algorithm",
            "offline-access-allowed", "session-longer-than-tier", "no-tier", "tier-scope-optional", "realm-ssl-not-required",
            "session-lifetimes-beyond-nist", "dead-letters-pending", "backchannel-logout-url-not-http");

    @RegisterExtension
    static final TestRealm weakRealm = TestRealm.of(WEAK, (fixture, receiver) -> {
        fixture.set("sslRequired", "none")
                .set("ssoSessionMaxLifespan", 3_000_000);
        ObjectNode legacy = fixture.publicClient("legacy").put("implicitFlowEnabled", true)
                .put("frontchannelLogout", true);
        ((ArrayNode) legacy.get("redirectUris")).add("http://127.0.0.1/app/*");
        legacy.putObject("attributes").put("access.token.signed.response.alg", "HS256");
        withBackchannelLogout(fixture.publicClient("refusing-rp"), receiver);
        fixture.confidentialClient("no-url", "secret").put("directAccessGrantsEnabled", false);
        fixture.confidentialClient("schemeless", "secret").put("directAccessGrantsEnabled", false)
                .putObject("attributes").put("backchannel.logout.url", "/rp/logout");
        strong(fixture.publicClient("offline-high"));
        strong(fixture.publicClient("capped-high")).putObject("attributes")
                .put("client.session.idle.timeout", "60");
        strong(fixture.publicClient("leftover-high")).put("implicitFlowEnabled", true);
        fixture.tierProfile("high", Map.of("tier", "high"))
                .tierProfile("high-offline", Map.of("tier", "high", "offline-access", true))
                .policyForClients("high", "high", "capped-high", "leftover-high")
                .policyForClients("high-offline", "high-offline", "offline-high");
        viewer(fixture, "client-viewer", "view-clients");
        viewer(fixture, "realm-viewer", "view-realm");
        viewer(fixture, "nobody", null);
        strong(fixture.publicClient("optional-tier"));
    });
    @RegisterExtension
    static final TestRealm cleanRealm = TestRealm.of(CLEAN, fixture -> {
        fixture.set("sslRequired", "external")
                .set("ssoSessionIdleTimeout", 1_800).set("ssoSessionMaxLifespan", 86_400);
        strong(fixture.publicClient("mobile"));
        strong(fixture.confidentialClient("web", "secret")).putObject("attributes")
                .put("backchannel.logout.url", "http://127.0.0.1:9/backchannel-logout");
        fixture.tierProfile("high-dpop", Map.of("tier", "high", "require-dpop", true))
                .tierProfile("high", Map.of("tier", "high"))
                .policyForClients("mobile", "high-dpop", "mobile")
                .policyForClients("web", "high", "web");
    });

    private final AdminApi admin = weakRealm.admin();
    private final LogoutReceiver receiver = weakRealm.receiver();
    private JsonNode weak;
    private JsonNode clean;

    @BeforeAll
    void leaveADeadLetterAndReadTheReports() {
        optionalTierScope("optional-tier");

        // One back-channel logout that fails for good: a 400 is never retried.
        receiver.behave("refusing-rp", attempt -> new LogoutReceiver.Reply(400, 0));
        weakRealm.client("refusing-rp").login(USER, PASSWORD);
        assertThat(admin.post("/admin/realms/" + WEAK + "/logout-all", null).status()).isEqualTo(200);
        Deadline.await(Duration.ofSeconds(60), "a dead letter", () -> admin.getJson("/admin/realms/" + WEAK
                + "/session-guard/deliveries?status=failed").size() == 1);

        weak = admin.getJson(path(WEAK));
        clean = admin.getJson(path(CLEAN));
    }

    /** The tier scopes as the set-up call makes them, one picked as Optional where Default was meant. */
    private void optionalTierScope(String clientId) {
        assertThat(admin.post("/admin/realms/" + WEAK + "/session-guard/tiers", null).status()).isEqualTo(200);
        String scopeId = null;
        for (JsonNode scope : admin.getJson("/admin/realms/" + WEAK + "/client-scopes")) {
            if (scope.get("name").asText().equals("session-tier-high")) {
                scopeId = scope.get("id").asText();
            }
        }
        String client = admin.getJson("/admin/realms/" + WEAK + "/clients?clientId=" + clientId).get(0).get("id")
                .asText();
        assertThat(admin.put("/admin/realms/" + WEAK + "/clients/" + client + "/optional-client-scopes/" + scopeId,
                null).status()).isEqualTo(204);
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource({
            "pkce-not-enforced, legacy, high",
            "implicit-flow-enabled, legacy, high",
            "password-grant-enabled, legacy, high",
            "wildcard-redirect-uri, legacy, medium",
            "refresh-token-not-rotated, legacy, high",
            "front-channel-logout-on, legacy, medium",
            "weak-signature-algorithm, legacy, high",
            "no-tier, legacy, info",
            "no-backchannel-logout-url, no-url, medium",
            "backchannel-logout-url-not-http, schemeless, medium",
            "offline-access-allowed, offline-high, low",
            "dpop-not-required, offline-high, info",
            "session-longer-than-tier, capped-high, low",
            "implicit-flow-enabled, leftover-high, info",
            "tier-scope-optional, optional-tier, medium"})
    void aClientBuiltToTriggerAFindingHasIt(String id, String clientId, String severity) {
        JsonNode finding = finding(client(weak, clientId), id);

        assertThat(finding).as(id + " on " + clientId + " in " + client(weak, clientId)).isNotNull();
        assertThat(finding.get("severity").asText()).isEqualTo(severity);
        assertThat(finding.get("references").size()).isPositive();
        assertThat(finding.get("message").asText()).isNotBlank();
        assertThat(finding.get("fix").asText()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"realm-ssl-not-required, high", "session-lifetimes-beyond-nist, medium",
            "dead-letters-pending, medium"})
    void aRealmBuiltToTriggerARealmFindingHasIt(String id, String severity) {
        JsonNode finding = finding(weak.get("realmFindings"), id);

        assertThat(finding).as(weak.get("realmFindings").toString()).isNotNull();
        assertThat(finding.get("severity").asText()).isEqualTo(severity);
    }

    @Test
    void theWeakMessagesNameTheSetting() {
        assertThat(finding(client(weak, "legacy"), "weak-signature-algorithm").get("message").asText())
                .contains("access.token.signed.response.alg").contains("HS256");
        assertThat(finding(client(weak, "legacy"), "wildcard-redirect-uri").get("message").asText())
                .contains("http://127.0.0.1/app/*");
        assertThat(finding(weak.get("realmFindings"), "session-lifetimes-beyond-nist").get("message").asText())
                .contains("3000000").contains("legacy");
    }

    /**
     * Issue 19, problem 7: a URL without a scheme (a path, with no Root URL to put it on) is never sent to; the
     * finding names it, and the client is not also said to have none.
     */
    @Test
    void aBackChannelUrlWithoutASchemeIsNamed() {
        assertThat(finding(client(weak, "schemeless"), "backchannel-logout-url-not-http").get("message").asText())
                .contains("/rp/logout");
        assertThat(finding(client(weak, "schemeless"), "no-backchannel-logout-url")).isNull();
    }

    @Test
    void aRealmBuiltToAvoidEveryFindingHasNone() {
        List<String> ids = new ArrayList<>();
        clean.get("realmFindings").forEach(finding -> ids.add(finding.get("id").asText()));
        clean.get("clients").forEach(client -> client.get("findings")
                .forEach(finding -> ids.add(client.get("clientId").asText() + ":" + finding.get("id").asText())));

        assertThat(ids).isEmpty();
        assertThat(clean.get("summary").get("high").asLong()).isZero();
        assertThat(clean.get("clients")).extracting(client -> client.get("clientId").asText())
                .containsExactlyInAnyOrder("mobile", "web");
        assertThat(client(clean, "mobile").get("tier").asText()).isEqualTo("high");
    }

    @Test
    void everyFindingIdIsRaisedByTheWeakRealm() {
        List<String> raised = new ArrayList<>();
        weak.get("realmFindings").forEach(finding -> raised.add(finding.get("id").asText()));
        weak.get("clients").forEach(client -> client.get("findings")
                .forEach(finding -> raised.add(finding.get("id").asText())));

        assertThat(raised).containsAll(EVERY_ID);
    }

    @Test
    void tierClientsThatFollowTheirTiersRulesHaveNoHighFinding() {
        for (String clientId : List.of("offline-high", "capped-high", "leftover-high")) {
            client(weak, clientId).get("findings").forEach(finding ->
                    assertThat(finding.get("severity").asText()).as(clientId + ": " + finding).isNotEqualTo("high"));
        }
    }

    @Test
    void theReportHasItsShapeAndComesWorstFirst() {
        assertThat(weak.get("realm").asText()).isEqualTo(WEAK);
        assertThat(weak.get("generatedAt").asText()).isNotBlank();
        JsonNode summary = weak.get("summary");
        long total = weak.get("realmFindings").size();
        for (JsonNode client : weak.get("clients")) {
            total += client.get("findings").size();
        }
        assertThat(summary.get("high").asLong() + summary.get("medium").asLong() + summary.get("low").asLong()
                + summary.get("info").asLong()).isEqualTo(total);
        assertThat(weak.get("clients").get(0).get("clientId").asText()).isEqualTo("legacy");
        assertThat(client(weak, "legacy").get("tier").isNull()).isTrue();
        assertThat(client(weak, "legacy").get("findings").get(0).get("severity").asText()).isEqualTo("high");
    }

    @Test
    void keycloaksOwnClientsAreLeftOut() {
        assertThat(weak.get("clients")).extracting(client -> client.get("clientId").asText())
                .doesNotContain("admin-cli", "account", "account-console", "security-admin-console", "broker",
                        "realm-management");
    }

    @Test
    void htmlIsServedToABrowserGroupedByClientWorstFirstWithEveryFix() {
        HttpResult page = new Http().get(admin.url(path(WEAK)), admin.token(),
                Map.of("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));

        assertThat(page.status()).as(page.toString()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        String html = page.body();
        assertThat(html).contains("M9 posture of realm " + WEAK).contains("dead-letters-pending")
                .contains("Switch &#39;Implicit flow&#39; off");
        assertThat(html.indexOf("Client legacy")).isPositive().isLessThan(html.indexOf("Client capped-high"));
    }

    @Test
    void jsonIsTheAnswerWithoutAPreferenceForHtml() {
        HttpResult json = new Http().get(admin.url(path(CLEAN)), admin.token(), Map.of("Accept", "*/*"));

        assertThat(json.status()).isEqualTo(200);
        assertThat(json.header("Content-Type")).startsWith("application/json");
        assertThat(json.json().get("realm").asText()).isEqualTo(CLEAN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"client-viewer", "realm-viewer"})
    void viewClientsOrViewRealmIsEnough(String user) {
        String token = admin.tokenFor(WEAK, "refusing-rp", user, PASSWORD);

        assertThat(new Http().get(admin.url(path(WEAK)), token).status()).isEqualTo(200);
    }

    @Test
    void aUserWhoMayViewNeitherIsForbidden() {
        String token = admin.tokenFor(WEAK, "refusing-rp", "nobody", PASSWORD);

        assertThat(new Http().get(admin.url(path(WEAK)), token).status()).isEqualTo(403);
    }

    /** Exact redirect URIs, no legacy grant, back-channel rather than front-channel logout. */
    private static ObjectNode strong(ObjectNode client) {
        return client.put("directAccessGrantsEnabled", false).put("implicitFlowEnabled", false)
                .put("frontchannelLogout", false);
    }

    private static void viewer(RealmFixture realm, String username, String role) {
        realm.user(username, PASSWORD);
        ArrayNode users = (ArrayNode) realm.json().get("users");
        ObjectNode user = (ObjectNode) users.get(users.size() - 1);
        if (role != null) {
            user.putObject("clientRoles").putArray("realm-management").add(role);
        }
    }

    private static JsonNode client(JsonNode report, String clientId) {
        for (JsonNode client : report.get("clients")) {
            if (client.get("clientId").asText().equals(clientId)) {
                return client;
            }
        }
        throw new AssertionError("No client " + clientId + " in " + report);
    }

    private static JsonNode finding(JsonNode clientOrFindings, String id) {
        JsonNode findings = clientOrFindings.has("findings") ? clientOrFindings.get("findings") : clientOrFindings;
        for (JsonNode finding : findings) {
            if (finding.get("id").asText().equals(id)) {
                return finding;
            }
        }
        return null;
    }

    private static String path(String realm) {
        return "/admin/realms/" + realm + "/session-guard/report";
    }
}
