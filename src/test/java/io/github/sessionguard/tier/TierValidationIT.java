package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.TestRealm;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Tier configuration arrives through Keycloak's own client-policies API and realm import. Bad values are refused with
 * a 400 that names the key and the rule, and what was stored stays as it was; good ones survive export and import.
 */
@KeycloakIntegrationTest
class TierValidationIT {

    private static final String REALM = "tier-validation";
    private static final String PROFILES = "/admin/realms/" + REALM + "/client-policies/profiles";

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, fixture -> {
        fixture.publicClient("mobile");
        fixture.tierProfile("existing", Map.of("tier", "medium", "idle-timeout", 600))
                .policyForClients("existing-policy", "existing", "mobile");
    });

    private final AdminApi admin = realm.admin();

    /** What the tests may leave besides the realm. */
    @AfterAll
    void deleteRealms() {
        admin.deleteRealm(REALM + "-copy");
        admin.deleteRealm(REALM + "-bad-import");
    }

    static Stream<Arguments> badConfigurations() {
        return Stream.of(
                Arguments.of(Map.of("tier", "high", "idle-timeout", "-5"), "'idle-timeout'", "positive whole number"),
                Arguments.of(Map.of("tier", "high", "idle-timeout", -5), "'idle-timeout'", "positive"),
                Arguments.of(Map.of("tier", "high", "max-lifespan", "forever"), "'max-lifespan'", "whole number"),
                Arguments.of(Map.of("tier", "high", "idle-timeout", 50_000), "'idle-timeout'",
                        "must not be greater than 'max-lifespan'"),
                Arguments.of(Map.of("tier", "high", "access-token-lifespan", 1_000), "'access-token-lifespan'",
                        "must not be greater than 'idle-timeout'"),
                Arguments.of(Map.of("tier", "low", "idle-timeout", 600, "access-token-lifespan", 300,
                        "reuse-grace-period", 3_600), "'reuse-grace-period'", "must not be greater than 'idle-timeout'"),
                Arguments.of(Map.of("tier", "extreme"), "'tier'", "must be one of high, medium, low"),
                Arguments.of(Map.of("tier", "low", "offline-access", "maybe"), "'offline-access'",
                        "must be true, false or preset"));
    }

    @ParameterizedTest
    @MethodSource("badConfigurations")
    void badConfigurationIsRefusedWithAMessageNamingKeyAndRuleAndChangesNothing(Map<String, Object> configuration,
            String key, String rule) {
        JsonNode before = admin.getJson(PROFILES);

        HttpResult result = admin.put(PROFILES, profilesWith(configuration));

        assertThat(result.status()).isEqualTo(400);
        assertThat(result.body()).contains(key).contains(rule);
        assertThat(admin.getJson(PROFILES)).isEqualTo(before);
    }

    @Test
    void goodConfigurationIsStored() {
        HttpResult result = admin.put(PROFILES, profilesWith(Map.of("tier", "high", "idle-timeout", "300")));
        try {
            assertThat(result.status()).isEqualTo(204);
            assertThat(admin.getJson(PROFILES).toString()).contains("\"name\":\"added\"");
        } finally {
            restoreExistingProfile();
        }
    }

    @Test
    void realmImportWithABadTierIsRefusedAndCreatesNoRealm() {
        RealmFixture bad = new RealmFixture(REALM + "-bad-import");
        bad.tierProfile("bad", Map.of("tier", "high", "idle-timeout", "abc"));

        HttpResult result = admin.post("/admin/realms", bad.json());

        assertThat(result.status()).isEqualTo(400);
        assertThat(result.body()).contains("idle-timeout");
        assertThat(admin.get("/admin/realms/" + REALM + "-bad-import").status()).isEqualTo(404);
    }

    @Test
    void exportAndImportCarryTheTier() {
        HttpResult export = admin.post("/admin/realms/" + REALM + "/partial-export?exportClients=true", Json.object());
        assertThat(export.status()).isEqualTo(200);
        ObjectNode exported = (ObjectNode) export.json();
        assertThat(exported.path("clientProfiles").toString()).contains("session-tier").contains("600");

        withoutIds(exported);
        exported.put("realm", REALM + "-copy");
        admin.createRealm(exported);

        JsonNode copied = admin.getJson("/admin/realms/" + REALM + "-copy/session-guard/clients/mobile");
        assertThat(copied.get("tier").asText()).isEqualTo("medium");
        assertThat(copied.get("idleTimeout").asLong()).isEqualTo(600);
        assertThat(copied.get("clientPolicy").asText()).isEqualTo("existing-policy");
    }

    /** An export names its objects by id; a second realm made from it needs fresh ones. */
    private static void withoutIds(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove("id");
            object.remove("containerId");
        }
        node.forEach(TierValidationIT::withoutIds);
    }

    private void restoreExistingProfile() {
        ObjectNode profiles = Json.object();
        ObjectNode existing = profiles.putArray("profiles").addObject().put("name", "existing");
        existing.putArray("executors").addObject().put("executor", "session-tier")
                .set("configuration", Json.MAPPER.valueToTree(Map.of("tier", "medium", "idle-timeout", 600)));
        assertThat(admin.put(PROFILES, profiles).status()).isEqualTo(204);
    }

    private JsonNode profilesWith(Map<String, Object> configuration) {
        ObjectNode profiles = (ObjectNode) admin.getJson(PROFILES).deepCopy();
        profiles.remove("globalProfiles");
        ObjectNode added = profiles.withArray("profiles").addObject().put("name", "added");
        added.putArray("executors").addObject().put("executor", "session-tier")
                .set("configuration", Json.MAPPER.valueToTree(configuration));
        return profiles;
    }
}
