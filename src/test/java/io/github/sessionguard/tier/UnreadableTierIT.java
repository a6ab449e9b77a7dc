package io.github.sessionguard.tier;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.DistributionKeycloakServer;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.TestRealm;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A stored {@code session-tier} configuration that this version can't read (a key renamed by an upgrade, stored
 * before the rename), put into the realm behind Keycloak's validation, once selected by the {@code client-id}
 * condition and once by a tier scope. It fails only the clients its policy selects, with an error naming the profile;
 * every other client of the realm gets its tokens, and the report and the effective-policy endpoint name the profile.
 */
@KeycloakIntegrationTest
class UnreadableTierIT {

    private static final String REALM = "tier-unreadable";
    /** How an older version might have called idle-timeout. */
    private static final Map<String, Object> UNREADABLE = Map.of("tier", "high", "idle", 600);

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, fixture -> {
        for (String clientId : new String[] {"outside", "readable", "selected", "scoped-fine", "scoped-broken"}) {
            fixture.publicClient(clientId);
        }
        fixture.tierProfile("readable", Map.of("tier", "low"))
                .tierProfile("broken", Map.of("tier", "high"))
                .policyForClients("readable-policy", "readable", "readable")
                .policyForClients("broken-policy", "broken", "selected");
        fixture.tierScope("scoped-fine", "session-tier-low");
        fixture.tierScope("scoped-broken", "session-tier-medium");
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();

    @BeforeAll
    void breakATierProfile() {
        storeUnreadable("broken", "session-tier-medium");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"outside", "readable", "scoped-fine"})
    void aClientTheUnreadableConfigurationDoesNotSelectGetsTokens(String clientId) {
        HttpResult tokens = OidcClient.publicClient(server, REALM, clientId).passwordGrant(USER, PASSWORD, null);

        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        String refresh = tokens.json().get("refresh_token").asText();
        assertThat(OidcClient.publicClient(server, REALM, clientId).refresh(refresh).status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0} through {1}")
    @CsvSource({"selected, broken", "scoped-broken, session-tier-medium"})
    void aClientTheUnreadableConfigurationSelectsIsRefusedWithAnErrorNamingTheProfile(String clientId,
            String profile) {
        HttpResult refused = OidcClient.publicClient(server, REALM, clientId).passwordGrant(USER, PASSWORD, null);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(500);
        assertThat(refused.json().get("error").asText()).isEqualTo("server_error");
        assertThat(refused.json().get("error_description").asText()).contains("'" + profile + "'")
                .contains("unknown key 'idle'");
    }

    @Test
    void theUnreadableConfigurationIsLoggedOncePerConfigurationNotPerRequest() throws IOException {
        if (!(server instanceof DistributionKeycloakServer distribution)) {
            return;
        }
        OidcClient selected = OidcClient.publicClient(server, REALM, "selected");
        for (int request = 0; request < 3; request++) {
            assertThat(selected.passwordGrant(USER, PASSWORD, null).status()).isEqualTo(500);
        }

        long lines = Files.readAllLines(distribution.log()).stream()
                .filter(line -> line.contains("ERROR") && line.contains("realm " + REALM)
                        && line.contains("client profile 'broken'"))
                .count();
        assertThat(lines).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} through {1}")
    @CsvSource({"selected, broken", "scoped-broken, session-tier-medium"})
    void theReportAndTheEffectivePolicyNameTheProfile(String clientId, String profile) {
        JsonNode report = admin.getJson("/admin/realms/" + REALM + "/session-guard/report");
        JsonNode finding = null;
        for (JsonNode client : report.get("clients")) {
            if (client.get("clientId").asText().equals(clientId)) {
                for (JsonNode candidate : client.get("findings")) {
                    if (candidate.get("id").asText().equals("tier-configuration-unreadable")) {
                        finding = candidate;
                    }
                }
            }
        }
        assertThat(finding).as("the finding for %s in %s", clientId, report).isNotNull();
        assertThat(finding.get("severity").asText()).isEqualTo("high");
        assertThat(finding.get("message").asText()).contains("'" + profile + "'").contains("unknown key 'idle'");

        JsonNode effective = admin.getJson("/admin/realms/" + REALM + "/session-guard/clients/" + clientId);
        assertThat(effective.get("clientProfile").asText()).isEqualTo(profile);
        assertThat(effective.get("tier").isNull()).isTrue();
        assertThat(effective.get("warnings").toString()).contains("'" + profile + "'").contains("unknown key 'idle'");
    }

    @Test
    void aClientOutsideTheUnreadableConfigurationHasNoFindingOrWarningAboutIt() {
        JsonNode effective = admin.getJson("/admin/realms/" + REALM + "/session-guard/clients/readable");

        assertThat(effective.get("tier").asText()).isEqualTo("low");
        assertThat(effective.get("warnings").toString()).doesNotContain("broken");
    }

    /**
     * Keycloak validates profiles that come through its client-policies API or a realm import, but a realm update
     * writes the realm's attributes as given, and the profiles are one of them: what an older version stored and this
     * one can't read looks the same.
     */
    private void storeUnreadable(String... profileNames) {
        ObjectNode profiles = (ObjectNode) admin.getJson("/admin/realms/" + REALM + "/client-policies/profiles")
                .deepCopy();
        profiles.remove("globalProfiles");
        for (JsonNode profile : profiles.get("profiles")) {
            if (List.of(profileNames).contains(profile.get("name").asText())) {
                ((ObjectNode) profile.get("executors").get(0))
                        .set("configuration", Json.MAPPER.valueToTree(UNREADABLE));
            }
        }
        ObjectNode realm = (ObjectNode) admin.getJson("/admin/realms/" + REALM).deepCopy();
        // Given here, the validated profiles would be stored over the attribute.
        realm.remove("clientProfiles");
        realm.remove("clientPolicies");
        realm.withObject("/attributes").put("client-policies.profiles", Json.write(profiles));
        HttpResult updated = admin.put("/admin/realms/" + REALM, realm);
        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        assertThat(admin.getJson("/admin/realms/" + REALM + "/client-policies/profiles").toString())
                .as("stored as given").contains("\"idle\"");
    }
}
