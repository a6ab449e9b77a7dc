package io.github.sessionguard.logout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The demo realm as `./demo.sh` imports it (src/demo/demo-realm.json), tried as a newcomer would: the demo user signs
 * in to every demo client, among them a tier client without a back-channel logout URL, and an administrator then
 * deletes the user. That answered 500 before the funnel decided who is told. The tier clients sign in as their apps
 * do under the presets (the code flow with PKCE; the password grant is refused in high); the posture report flags the
 * deliberately weak client and finds nothing to fix in the tier clients.
 */
@KeycloakIntegrationTest
class DemoRealmIT {

    private static final String REALM = "demo-as-shipped";

    private AdminApi admin;

    @BeforeAll
    void importTheDemoRealm(AdminApi admin) throws IOException {
        this.admin = admin;
        ObjectNode realm = (ObjectNode) Json.parse(Files.readString(Path.of("src/demo/demo-realm.json")));
        realm.put("realm", REALM);
        admin.deleteRealm(REALM);
        admin.createRealm(realm);
    }

    @AfterAll
    void deleteRealm() {
        admin.deleteRealm(REALM);
    }

    @Test
    void theDemoUserCanBeDeletedAfterSigningInToEveryDemoClient(KeycloakServer server) {
        for (JsonNode client : admin.getJson("/admin/realms/" + REALM + "/clients")) {
            String clientId = client.get("clientId").asText();
            switch (clientId) {
                case "mobile-app" -> signInWithCode(OidcClient.publicClient(server, REALM, clientId),
                        "http://localhost:3000/callback");
                case "web-portal" -> signInWithCode(new OidcClient(server, REALM, clientId, "web-portal-secret"),
                        "http://localhost:3001/callback");
                case "reporting", "legacy-kiosk" -> signIn(OidcClient.publicClient(server, REALM, clientId));
                default -> { }
            }
        }
        assertThat(admin.userSessions(REALM, "demo")).isNotEmpty();

        HttpResult deleted = admin.delete("/admin/realms/" + REALM + "/users/" + admin.userId(REALM, "demo"));

        assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
        assertThat(admin.getJson("/admin/realms/" + REALM + "/users?username=demo&exact=true")).isEmpty();
    }

    @Test
    void eachDemoClientIsInTheTierItsPagesShow() {
        JsonNode tiers = admin.getJson("/admin/realms/" + REALM + "/session-guard/tiers");
        for (JsonNode tier : tiers) {
            assertThat(tier.get("clientScope").asText()).isEqualTo("session-tier-" + tier.get("tier").asText());
            assertThat(tier.get("clientPolicy").asText()).isEqualTo("session-tier-" + tier.get("tier").asText());
        }
        assertThat(tiers.get(0).get("clients").toString()).isEqualTo("[\"mobile-app\"]");
        HttpResult setUp = admin.post("/admin/realms/" + REALM + "/session-guard/tiers", Json.object());
        assertThat(setUp.status()).as(setUp.toString()).isEqualTo(200);
        setUp.json().forEach(tier -> assertThat(tier.get("created")).as("the demo has every building block")
                .isEmpty());

        assertThat(tierOf("mobile-app")).isEqualTo("high");
        assertThat(tierOf("web-portal")).isEqualTo("low");
        assertThat(tierOf("reporting")).isNull();
        assertThat(tierOf("legacy-kiosk")).isNull();
    }

    private String tierOf(String clientId) {
        JsonNode tier = admin.getJson("/admin/realms/" + REALM + "/session-guard/clients/" + clientId).get("tier");
        return tier.isNull() ? null : tier.asText();
    }

    @Test
    void thePostureReportFlagsTheWeakClientAndFindsNothingToFixInTheTierClients() {
        JsonNode report = admin.getJson("/admin/realms/" + REALM + "/session-guard/report");

        for (JsonNode client : report.get("clients")) {
            String clientId = client.get("clientId").asText();
            List<String> severities = new ArrayList<>();
            client.get("findings").forEach(finding -> severities.add(finding.get("severity").asText()));
            if (clientId.equals("mobile-app") || clientId.equals("web-portal")) {
                assertThat(severities).as(clientId + ": " + client).allMatch("info"::equals);
            } else if (clientId.equals("legacy-kiosk")) {
                assertThat(severities).as(client.toString()).contains("high");
            }
        }
        assertThat(report.get("clients").get(0).get("clientId").asText()).isEqualTo("legacy-kiosk");
    }

    /**
     * The README's first example: the demo app's authorization request without PKCE gets the tier's refusal, not
     * Keycloak's own (a password grant would have, since the demo app has direct grants off, as an app should).
     */
    @Test
    void theReadmesFirstExampleGetsTheTiersRefusal(KeycloakServer server) {
        OidcClient mobileApp = OidcClient.publicClient(server, REALM, "mobile-app");
        BrowserSession.Outcome outcome = new BrowserSession().authorize(
                mobileApp.authorizationUrlWithoutPkce("http://localhost:3000/callback", "openid", Map.of()));

        assertThat(outcome.showedLoginForm()).isFalse();
        assertThat(outcome.queryParameter("error")).isEqualTo("invalid_request");
        assertThat(outcome.queryParameter("error_description")).contains("session tier 'high'")
                .contains("require-pkce");
    }

    private static void signInWithCode(OidcClient client, String redirectUri) {
        String code = new BrowserSession().loginForCode(client.authorizationUrl(redirectUri, "openid", Map.of()),
                "demo", "demo");
        HttpResult tokens = client.exchangeCode(code, redirectUri);
        assertThat(tokens.status()).as(client.clientId() + ": " + tokens).isEqualTo(200);
    }

    private static void signIn(OidcClient client) {
        HttpResult tokens = client.passwordGrant("demo", "demo", "openid");
        assertThat(tokens.status()).as(client.clientId() + ": " + tokens).isEqualTo(200);
    }
}
