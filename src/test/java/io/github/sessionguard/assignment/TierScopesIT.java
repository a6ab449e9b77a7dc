package io.github.sessionguard.assignment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RunsBesideOtherClasses;
import io.github.sessionguard.testing.TestRealm;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tiers put on a client through its "Client scopes" tab: the set-up endpoint gives a realm the scopes, profiles and
 * policies (once, and without touching what an administrator changed), a default tier scope puts the client in the
 * tier on real tokens, removing it takes the client out, and realm export then import keeps every client's tier.
 */
@KeycloakIntegrationTest
@RunsBesideOtherClasses
class TierScopesIT {

    private static final String REALM = "tier-scopes";
    private static final String IMPORTED = "tier-scopes-imported";
    private static final String SECRET = "secret";
    /** Longer than every tier's access tokens, so a token's lifetime shows whether a tier applied. */
    private static final int REALM_ACCESS_TOKEN_LIFESPAN = 1_200;

    /** Each test gets the realm as new, never touched by the set-up call, and does what it needs on it. */
    @RegisterExtension
    static final TestRealm realm = TestRealm.perTest(REALM, fixture -> {
        for (String clientId : List.of("reporting", "payments", "kiosk", "by-client-id")) {
            fixture.confidentialClient(clientId, SECRET).put("serviceAccountsEnabled", true);
        }
        fixture.tierProfile("legacy-low", Map.of("tier", "low"))
                .policyForClients("legacy-by-client-id", "legacy-low", "by-client-id")
                .set("accessTokenLifespan", REALM_ACCESS_TOKEN_LIFESPAN);
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();

    @AfterAll
    void deleteImportedRealm() {
        admin.deleteRealm(IMPORTED);
    }

    @Test
    void setUpCreatesEachTiersScopeProfileAndPolicyOnce() {
        JsonNode first = setUp();
        for (String tier : List.of("high", "medium", "low")) {
            JsonNode blocks = tier(first, tier);
            assertThat(blocks.get("clientScope").asText()).isEqualTo("session-tier-" + tier);
            assertThat(blocks.get("clientProfile").asText()).isEqualTo("session-tier-" + tier);
            assertThat(blocks.get("clientPolicy").asText()).isEqualTo("session-tier-" + tier);
            assertThat(blocks.get("policyEnabled").asBoolean()).isTrue();
            assertThat(texts(blocks.get("created"))).containsExactly("clientScope", "clientProfile", "clientPolicy");
        }
        JsonNode again = setUp();
        for (String tier : List.of("high", "medium", "low")) {
            assertThat(texts(tier(again, tier).get("created"))).as("second set-up of " + tier).isEmpty();
        }
        // The realm's own profile and policy are kept beside the new ones.
        assertThat(policyNames()).contains("legacy-by-client-id", "session-tier-high", "session-tier-medium",
                "session-tier-low");
        assertThat(policyNames().stream().filter(name -> name.startsWith("session-tier-"))).hasSize(3);
    }

    @Test
    void scopeIsAMarkerThatNamesTheTiersValues() {
        setUp();
        JsonNode scope = scope(REALM, "session-tier-high");
        assertThat(scope.get("protocol").asText()).isEqualTo("openid-connect");
        assertThat(scope.path("attributes").path("include.in.token.scope").asText()).isEqualTo("false");
        assertThat(scope.path("attributes").path("display.on.consent.screen").asText()).isEqualTo("false");
        assertThat(scope.get("description").asText())
                .contains("tier high", "15 min idle", "12 h max", "access tokens 5 min", "Advanced",
                        "/admin/realms/" + REALM + "/session-guard/clients/");
    }

    @Test
    void aDefaultTierScopePutsTheClientInTheTierOnRealTokens() {
        setUp();
        assertThat(accessTokenLifetime("reporting")).as("outside every tier").isEqualTo(REALM_ACCESS_TOKEN_LIFESPAN);

        addDefaultScope("reporting", "session-tier-medium");

        JsonNode policy = effectivePolicy(REALM, "reporting");
        assertThat(policy.get("tier").asText()).isEqualTo("medium");
        assertThat(policy.get("clientPolicy").asText()).isEqualTo("session-tier-medium");
        assertThat(policy.get("idleTimeout").asLong()).isEqualTo(1_800);
        assertThat(accessTokenLifetime("reporting")).isEqualTo(300);
        assertThat(texts(tier(tiers(), "medium").get("clients"))).containsExactly("reporting");
    }

    @Test
    void twoTierScopesAddUpToTheStrictest() {
        setUp();
        addDefaultScope("payments", "session-tier-low");
        assertThat(effectivePolicy(REALM, "payments").get("tier").asText()).isEqualTo("low");
        assertThat(accessTokenLifetime("payments")).isEqualTo(600);

        addDefaultScope("payments", "session-tier-high");

        JsonNode policy = effectivePolicy(REALM, "payments");
        assertThat(policy.get("tier").asText()).isEqualTo("high");
        assertThat(policy.get("idleTimeout").asLong()).isEqualTo(900);
        assertThat(accessTokenLifetime("payments")).isEqualTo(300);
    }

    @Test
    void anOptionalTierScopeDoesNotPutTheClientInTheTier() {
        setUp();
        addOptionalScope("kiosk", "session-tier-high");

        assertThat(effectivePolicy(REALM, "kiosk").get("tier").isNull()).isTrue();
    }

    @Test
    void removingTheScopeTakesTheClientOutOfTheTier() {
        setUp();
        addDefaultScope("kiosk", "session-tier-low");
        assertThat(effectivePolicy(REALM, "kiosk").get("tier").asText()).isEqualTo("low");

        HttpResult removed = admin.delete("/admin/realms/" + REALM + "/clients/" + clientUuid(REALM, "kiosk")
                + "/default-client-scopes/" + scope(REALM, "session-tier-low").get("id").asText());
        assertThat(removed.status()).as(removed.toString()).isEqualTo(204);

        assertThat(effectivePolicy(REALM, "kiosk").get("tier").isNull()).isTrue();
        assertThat(accessTokenLifetime("kiosk")).isEqualTo(REALM_ACCESS_TOKEN_LIFESPAN);
    }

    @Test
    void setUpKeepsAProfileTheAdministratorTuned() {
        setUp();
        addDefaultScope("reporting", "session-tier-medium");
        tuneMediumIdleTimeoutTo1200();

        assertThat(texts(tier(setUp(), "medium").get("created"))).isEmpty();

        assertThat(effectivePolicy(REALM, "reporting").get("idleTimeout").asLong()).isEqualTo(1_200);
    }

    @Test
    void realmExportThenImportKeepsEveryClientsTier() {
        setUp();
        addDefaultScope("reporting", "session-tier-medium");
        addDefaultScope("payments", "session-tier-low");
        addDefaultScope("payments", "session-tier-high");
        addOptionalScope("kiosk", "session-tier-high");
        tuneMediumIdleTimeoutTo1200();
        Map<String, String> before = tiersOfEveryClient(REALM);
        assertThat(before).containsEntry("reporting", "medium").containsEntry("payments", "high")
                .containsEntry("by-client-id", "low").containsEntry("kiosk", null);

        HttpResult exported = admin.post("/admin/realms/" + REALM
                + "/partial-export?exportClients=true&exportGroupsAndRoles=true", Json.object());
        assertThat(exported.status()).as(exported.toString()).isEqualTo(200);
        ObjectNode realm = (ObjectNode) exported.json();
        realm.put("realm", IMPORTED);
        // Another realm on the same server: the database ids of the export would collide with the original's.
        withoutIds(realm);
        admin.createRealm(realm);

        assertThat(tiersOfEveryClient(IMPORTED)).isEqualTo(before);
        assertThat(effectivePolicy(IMPORTED, "reporting").get("idleTimeout").asLong()).isEqualTo(1_200);
        assertThat(texts(tier(admin.getJson("/admin/realms/" + IMPORTED + "/session-guard/tiers"), "high")
                .get("clients"))).containsExactly("payments");
    }

    @Test
    void setUpNeedsManageRealm() {
        HttpResult viewer = new io.github.sessionguard.testing.Http().postJson(
                admin.url("/admin/realms/" + REALM + "/session-guard/tiers"), Json.object(), viewerToken());
        assertThat(viewer.status()).as(viewer.toString()).isEqualTo(403);
    }

    private String viewerToken() {
        String username = "viewer";
        HttpResult created = admin.post("/admin/realms/" + REALM + "/users", Json.object().put("username", username)
                .put("enabled", true).put("email", "viewer@example.org").put("emailVerified", true)
                .put("firstName", "View").put("lastName", "Er").set("credentials", Json.array()
                        .add(Json.object().put("type", "password").put("value", "viewer-pass")
                                .put("temporary", false))));
        assertThat(created.status()).as(created.toString()).isIn(201, 409);
        String userId = admin.userId(REALM, username);
        String realmManagement = clientUuid(REALM, "realm-management");
        JsonNode viewRealm = admin.getJson("/admin/realms/" + REALM + "/clients/" + realmManagement
                + "/roles/view-realm");
        admin.post("/admin/realms/" + REALM + "/users/" + userId + "/role-mappings/clients/" + realmManagement,
                Json.array().add(viewRealm));
        return admin.tokenFor(REALM, "admin-cli", username, "viewer-pass");
    }

    private JsonNode setUp() {
        HttpResult result = admin.post("/admin/realms/" + REALM + "/session-guard/tiers", Json.object());
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result.json();
    }

    private JsonNode tiers() {
        return admin.getJson("/admin/realms/" + REALM + "/session-guard/tiers");
    }

    private static JsonNode tier(JsonNode tiers, String tier) {
        for (JsonNode blocks : tiers) {
            if (blocks.get("tier").asText().equals(tier)) {
                return blocks;
            }
        }
        throw new AssertionError("No tier " + tier + " in " + tiers);
    }

    private List<String> policyNames() {
        List<String> names = new ArrayList<>();
        admin.getJson("/admin/realms/" + REALM + "/client-policies/policies").get("policies")
                .forEach(policy -> names.add(policy.get("name").asText()));
        return names;
    }

    private void addDefaultScope(String clientId, String scopeName) {
        HttpResult added = admin.put("/admin/realms/" + REALM + "/clients/" + clientUuid(REALM, clientId)
                + "/default-client-scopes/" + scope(REALM, scopeName).get("id").asText(), Json.object());
        assertThat(added.status()).as(added.toString()).isEqualTo(204);
    }

    private void addOptionalScope(String clientId, String scopeName) {
        HttpResult added = admin.put("/admin/realms/" + REALM + "/clients/" + clientUuid(REALM, clientId)
                + "/optional-client-scopes/" + scope(REALM, scopeName).get("id").asText(), Json.object());
        assertThat(added.status()).as(added.toString()).isEqualTo(204);
    }

    /** The idle timeout of tier medium's profile, changed by an administrator. */
    private void tuneMediumIdleTimeoutTo1200() {
        JsonNode profiles = admin.getJson("/admin/realms/" + REALM + "/client-policies/profiles");
        for (JsonNode profile : profiles.get("profiles")) {
            if (profile.get("name").asText().equals("session-tier-medium")) {
                ((ObjectNode) profile.get("executors").get(0).get("configuration")).put("idle-timeout", "1200");
            }
        }
        HttpResult saved = admin.put("/admin/realms/" + REALM + "/client-policies/profiles", profiles);
        assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
    }

    private JsonNode scope(String realm, String name) {
        for (JsonNode scope : admin.getJson("/admin/realms/" + realm + "/client-scopes")) {
            if (scope.get("name").asText().equals(name)) {
                return scope;
            }
        }
        throw new AssertionError("No client scope " + name + " in realm " + realm);
    }

    private String clientUuid(String realm, String clientId) {
        return admin.getJson("/admin/realms/" + realm + "/clients?clientId=" + clientId).get(0).get("id").asText();
    }

    private JsonNode effectivePolicy(String realm, String clientId) {
        return admin.getJson("/admin/realms/" + realm + "/session-guard/clients/" + clientId);
    }

    private Map<String, String> tiersOfEveryClient(String realm) {
        Map<String, String> tiers = new TreeMap<>();
        for (String clientId : List.of("reporting", "payments", "kiosk", "by-client-id")) {
            JsonNode tier = effectivePolicy(realm, clientId).get("tier");
            tiers.put(clientId, tier.isNull() ? null : tier.asText());
        }
        return tiers;
    }

    private long accessTokenLifetime(String clientId) {
        HttpResult token = new OidcClient(server, REALM, clientId, SECRET).clientCredentials();
        assertThat(token.status()).as(token.toString()).isEqualTo(200);
        return Jwt.lifetime(token.json().get("access_token").asText());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static void withoutIds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(List.of("id", "containerId"));
            object.forEach(TierScopesIT::withoutIds);
        } else if (node instanceof ArrayNode array) {
            array.forEach(TierScopesIT::withoutIds);
        }
    }
}
