package io.github.sessionguard.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.TestRealm;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A realm whose default signature algorithm is HS256: Keycloak signs the access and ID tokens of every client that
 * names no algorithm of its own with it. Tier high forbids forgeable signatures, so its clients without an algorithm
 * of their own get no tokens, the report names them, and an update that drops a client's own algorithm is refused;
 * a client with its own RS256 works. The tier is assigned both ways: the tier scope and a {@code client-id} policy.
 */
@KeycloakIntegrationTest
class RealmDefaultSignatureIT {

    private static final String REALM = "realm-default-hs256";
    private static final String SECRET = "secret";
    private static final String ACCESS_TOKEN_ALGORITHM = "access.token.signed.response.alg";

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, fixture -> {
        fixture.set("defaultSignatureAlgorithm", "HS256");
        for (String clientId : List.of("by-scope", "by-id", "own-rs256", "drops-rs256")) {
            ObjectNode client = fixture.confidentialClient(clientId, SECRET).put("serviceAccountsEnabled", true)
                    .put("directAccessGrantsEnabled", false);
            if (clientId.endsWith("rs256")) {
                client.putObject("attributes").put(ACCESS_TOKEN_ALGORITHM, "RS256")
                        .put("id.token.signed.response.alg", "RS256");
            }
        }
        fixture.tierProfile("high", Map.of("tier", "high"))
                .policyForClients("high", "high", "by-id", "own-rs256", "drops-rs256")
                .tierScope("by-scope", "session-tier-high");
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"by-scope", "by-id"})
    void aTierClientWithoutItsOwnAlgorithmGetsNoTokens(String clientId) {
        HttpResult refused = new OidcClient(server, REALM, clientId, SECRET).clientCredentials();

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(refused.json().get("error_description").asText())
                .contains("realm's default signature algorithm 'HS256'", ACCESS_TOKEN_ALGORITHM, "session tier 'high'");
    }

    @Test
    void aTierClientWithItsOwnAsymmetricAlgorithmGetsTokens() {
        HttpResult tokens = new OidcClient(server, REALM, "own-rs256", SECRET).clientCredentials();

        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        assertThat(Jwt.algorithm(tokens.json().get("access_token").asText())).isEqualTo("RS256");
    }

    @Test
    void theReportNamesTheRealmsDefaultForTheClientsThatUseIt() {
        JsonNode report = admin.getJson("/admin/realms/" + REALM + "/session-guard/report");

        for (String clientId : List.of("by-scope", "by-id")) {
            assertThat(weakSignatureMessages(report, clientId)).as(clientId).anySatisfy(message -> assertThat(message)
                    .contains("realm's default signature algorithm 'HS256'", ACCESS_TOKEN_ALGORITHM));
        }
        assertThat(weakSignatureMessages(report, "own-rs256")).isEmpty();
    }

    @Test
    void anUpdateThatDropsTheClientsOwnAlgorithmIsRefusedAndNothingIsStored() {
        ObjectNode representation = clientRepresentation("drops-rs256");
        ((ObjectNode) representation.withObject("attributes")).put(ACCESS_TOKEN_ALGORITHM, "");

        HttpResult refused = admin.put(clientPath("drops-rs256"), representation);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body()).contains("realm's default signature algorithm 'HS256'", "session tier 'high'");
        assertThat(clientRepresentation("drops-rs256").path("attributes").path(ACCESS_TOKEN_ALGORITHM).asText())
                .isEqualTo("RS256");
    }

    @Test
    void anUpdateOfAClientThatAlreadyUsedTheDefaultIsStored() {
        ObjectNode representation = clientRepresentation("by-id").put("description", "edited");

        HttpResult updated = admin.put(clientPath("by-id"), representation);

        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        assertThat(clientRepresentation("by-id").get("description").asText()).isEqualTo("edited");
    }

    private static List<String> weakSignatureMessages(JsonNode report, String clientId) {
        List<String> messages = new ArrayList<>();
        for (JsonNode client : report.get("clients")) {
            if (client.get("clientId").asText().equals(clientId)) {
                client.get("findings").forEach(finding -> {
                    if (finding.get("id").asText().equals("weak-signature-algorithm")) {
                        messages.add(finding.get("message").asText());
                    }
                });
                return messages;
            }
        }
        throw new AssertionError("No client " + clientId + " in " + report);
    }

    private ObjectNode clientRepresentation(String clientId) {
        return (ObjectNode) admin.getJson("/admin/realms/" + REALM + "/clients?clientId=" + clientId).get(0);
    }

    private String clientPath(String clientId) {
        return "/admin/realms/" + REALM + "/clients/" + clientRepresentation(clientId).get("id").asText();
    }
}
