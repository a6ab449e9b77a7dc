package io.github.sessionguard.enforce;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.REDIRECT_URI;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.TestRealm;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tier's token-hardening keys on the real server, both ways in the three tiers: {@code require-pkce},
 * {@code refuse-legacy-grants} and {@code require-dpop} (with real DPoP proofs, made by Nimbus), the refusal of admin
 * updates that weaken a tier client's tokens, and the refusal of tokens for a client that entered its tier weak. Each
 * test has clients of its own, so they run side by side and need no waiting.
 */
@KeycloakIntegrationTest
@Execution(ExecutionMode.CONCURRENT)
class TokenHardeningIT {

    private static final String REALM = "token-hardening";
    private static final String[] TIERS = {"high", "medium", "low"};

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, fixture -> {
        for (String tier : TIERS) {
            fixture.tierProfile(tier, Map.of("tier", tier))
                    .tierProfile(tier + "-no-pkce", Map.of("tier", tier, "require-pkce", false))
                    .tierProfile(tier + "-legacy", Map.of("tier", tier, "refuse-legacy-grants", false))
                    .tierProfile(tier + "-refusing", Map.of("tier", tier, "refuse-legacy-grants", true))
                    .tierProfile(tier + "-dpop", Map.of("tier", tier, "require-dpop", true));
            legacyClient(fixture.publicClient("preset-" + tier));
            fixture.publicClient("no-pkce-" + tier);
            legacyClient(fixture.publicClient("legacy-" + tier));
            legacyClient(fixture.publicClient("refusing-" + tier));
            fixture.publicClient("dpop-" + tier);
            for (String setting : new String[] {"access", "id", "userinfo", "implicit", "password"}) {
                fixture.confidentialClient("update-" + setting + "-" + tier, "secret").put("implicitFlowEnabled", false)
                        .put("directAccessGrantsEnabled", false);
            }
            fixture.policyForClients("preset-" + tier, tier, "preset-" + tier, "update-access-" + tier,
                            "update-id-" + tier, "update-userinfo-" + tier, "update-implicit-" + tier,
                            "update-password-" + tier)
                    .policyForClients("no-pkce-" + tier, tier + "-no-pkce", "no-pkce-" + tier)
                    .policyForClients("legacy-" + tier, tier + "-legacy", "legacy-" + tier)
                    .policyForClients("refusing-" + tier, tier + "-refusing", "refusing-" + tier)
                    .policyForClients("dpop-" + tier, tier + "-dpop", "dpop-" + tier);
        }
        // Clients that were weak before they entered a tier (imported, so no admin update ever checked them).
        fixture.publicClient("weak-high").putObject("attributes").put("access.token.signed.response.alg", "HS512");
        fixture.confidentialClient("weak-service-medium", "secret").put("serviceAccountsEnabled", true)
                .putObject("attributes").put("id.token.signed.response.alg", "none");
        fixture.confidentialClient("weak-service-low", "secret").put("serviceAccountsEnabled", true)
                .putObject("attributes").put("access.token.signed.response.alg", "HS512");
        fixture.policyForClients("weak-high", "high", "weak-high")
                .policyForClients("weak-medium", "medium", "weak-service-medium")
                .policyForClients("weak-low", "low", "weak-service-low");
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();

    // require-pkce

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = {"high", "medium", "low"})
    void anAuthorizationRequestWithoutPkceIsRefusedByThePreset(String tier) {
        OidcClient client = client("preset-" + tier);
        BrowserSession.Outcome outcome = new BrowserSession().authorize(
                client.authorizationUrlWithoutPkce(REDIRECT_URI, "openid", Map.of()));

        assertThat(outcome.showedLoginForm()).as("refused before the user signs in").isFalse();
        assertThat(outcome.queryParameter("error")).isEqualTo("invalid_request");
        assertThat(outcome.queryParameter("error_description")).contains("code_challenge_method")
                .contains("session tier '" + tier + "'").contains("require-pkce");
    }

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = {"high", "medium", "low"})
    void anAuthorizationRequestWithPlainPkceIsRefusedByThePreset(String tier) {
        OidcClient client = client("preset-" + tier);
        BrowserSession.Outcome outcome = new BrowserSession().authorize(client.authorizationUrlWithoutPkce(
                REDIRECT_URI, "openid", Map.of("code_challenge", "a".repeat(43), "code_challenge_method", "plain")));

        assertThat(outcome.showedLoginForm()).isFalse();
        assertThat(outcome.queryParameter("error")).isEqualTo("invalid_request");
        assertThat(outcome.queryParameter("error_description")).contains("code_challenge_method");
    }

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = {"high", "medium", "low"})
    void aCodeFlowWithPkceS256GetsTokens(String tier) {
        OidcClient client = client("preset-" + tier);
        String code = new BrowserSession().loginForCode(client.authorizationUrl(REDIRECT_URI, "openid", Map.of()),
                USER, PASSWORD);

        assertTokens(client.exchangeCode(code, REDIRECT_URI));
    }

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = {"high", "medium", "low"})
    void aTierWithoutRequirePkceStillAllowsACodeFlowWithoutIt(String tier) {
        OidcClient client = client("no-pkce-" + tier);
        String code = new BrowserSession().loginForCode(
                client.authorizationUrlWithoutPkce(REDIRECT_URI, "openid", Map.of()), USER, PASSWORD);

        assertTokens(client.exchangeCodeWithoutPkce(code, REDIRECT_URI));
    }

    // refuse-legacy-grants

    @ParameterizedTest(name = "{0}, tier {1}")
    @CsvSource({"preset, high", "preset, medium", "refusing, low"})
    void thePasswordGrantIsRefusedNamingTheTier(String kind, String tier) {
        HttpResult refused = client(kind + "-" + tier).passwordGrant(USER, PASSWORD, "openid");

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(refused.json().get("error_description").asText()).contains("password grant")
                .contains("session tier '" + tier + "'").contains("refuse-legacy-grants");
    }

    @ParameterizedTest(name = "{0}, tier {1}")
    @CsvSource({"preset, low", "legacy, high", "legacy, medium"})
    void thePasswordGrantStillWorksWhereTheTierDoesNotRefuseIt(String kind, String tier) {
        assertTokens(client(kind + "-" + tier).passwordGrant(USER, PASSWORD, "openid"));
    }

    @ParameterizedTest(name = "{0}, tier {1}, {2}")
    @CsvSource({"preset, high, id_token token", "preset, medium, id_token token", "refusing, low, id_token token",
            "preset, high, code id_token", "preset, medium, code token"})
    void implicitAndHybridResponsesAreRefusedBeforeTheUserSignsIn(String kind, String tier, String responseType) {
        BrowserSession.Outcome outcome = new BrowserSession().authorize(client(kind + "-" + tier).authorizationUrl(
                REDIRECT_URI, "openid", Map.of("response_type", responseType, "nonce", "n-" + System.nanoTime())));

        assertThat(outcome.showedLoginForm()).as("refused before the user signs in").isFalse();
        assertThat(outcome.fragmentParameter("error")).as(outcome.redirect()).isEqualTo("unauthorized_client");
        assertThat(outcome.fragmentParameter("error_description")).contains("session tier '" + tier + "'");
    }

    @ParameterizedTest(name = "{0}, tier {1}")
    @CsvSource({"preset, low", "legacy, high", "legacy, medium"})
    void implicitStillWorksWhereTheTierDoesNotRefuseIt(String kind, String tier) {
        BrowserSession browser = new BrowserSession();
        BrowserSession.Outcome outcome = browser.authorize(client(kind + "-" + tier).authorizationUrl(REDIRECT_URI,
                "openid", Map.of("response_type", "id_token token", "nonce", "n-" + System.nanoTime())));
        outcome = browser.submitLogin(outcome, USER, PASSWORD);

        assertThat(outcome.fragmentParameter("access_token")).as(outcome.redirect()).isNotNull();
    }

    // require-dpop

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = {"high", "medium", "low"})
    void thePresetsIssueUnboundTokensWithoutAProof(String tier) {
        JsonNode tokens = assertTokens(codeExchange(client("preset-" + tier), null));

        assertThat(tokens.get("token_type").asText()).isEqualToIgnoringCase("Bearer");
        assertThat(Jwt.claims(tokens.get("access_token").asText()).has("cnf")).isFalse();
    }

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = {"high", "medium", "low"})
    void requireDpopRefusesACodeExchangeWithoutAProof(String tier) {
        HttpResult refused = codeExchange(client("dpop-" + tier), null);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        // Keycloak answers every client-policy refusal of a code exchange with invalid_grant (AuthorizationCodeGrantType).
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("error_description").asText()).contains("DPoP proof is missing")
                .contains("session tier '" + tier + "'").contains("require-dpop");
    }

    @ParameterizedTest(name = "tier {0}")
    @ValueSource(strings = {"high", "medium", "low"})
    void requireDpopBindsBothTokensAndARefreshNeedsAProofForTheBoundKey(String tier) throws Exception {
        OidcClient client = client("dpop-" + tier);
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        JsonNode tokens = assertTokens(codeExchange(client, key));
        String thumbprint = key.computeThumbprint().toString();
        assertThat(tokens.get("token_type").asText()).isEqualToIgnoringCase("DPoP");
        assertThat(Jwt.claims(tokens.get("access_token").asText()).at("/cnf/jkt").asText()).isEqualTo(thumbprint);
        assertThat(Jwt.claims(tokens.get("refresh_token").asText()).at("/cnf/jkt").asText()).isEqualTo(thumbprint);
        String refreshToken = tokens.get("refresh_token").asText();

        HttpResult withoutProof = client.refresh(refreshToken);
        assertThat(withoutProof.status()).as(withoutProof.toString()).isEqualTo(400);
        assertThat(withoutProof.json().get("error").asText()).isEqualTo("invalid_dpop_proof");

        ECKey otherKey = new ECKeyGenerator(Curve.P_256).generate();
        HttpResult otherKeysProof = client.refresh(refreshToken, dpopHeader(otherKey, client));
        assertThat(otherKeysProof.status()).as(otherKeysProof.toString()).isEqualTo(400);
        assertThat(otherKeysProof.json().get("error").asText()).isEqualTo("invalid_grant");

        JsonNode refreshed = assertTokens(client.refresh(refreshToken, dpopHeader(key, client)));
        assertThat(Jwt.claims(refreshed.get("access_token").asText()).at("/cnf/jkt").asText()).isEqualTo(thumbprint);
    }

    @Test
    void requireDpopRefusesAnInvalidProof() throws Exception {
        OidcClient client = client("dpop-high");
        String code = new BrowserSession().loginForCode(client.authorizationUrl(REDIRECT_URI, "openid", Map.of()),
                USER, PASSWORD);
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        // A proof made for another endpoint: Keycloak's own DPoP validation refuses it.
        String wrongUri = new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
                .createDPoPJWT("POST", URI.create(client.endpoint("userinfo"))).serialize();

        HttpResult refused = client.exchangeCode(code, REDIRECT_URI, Map.of("DPoP", wrongUri));

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_request");
    }

    // Admin updates

    @ParameterizedTest(name = "{0} = {1}, tier {2}")
    @CsvSource({"access, HS256, high", "id, none, high", "userinfo, HS512, high", "access, none, medium",
            "id, HS384, medium", "userinfo, none, medium"})
    void anUpdateToAWeakSignatureIsRefusedAndNothingIsStored(String which, String algorithm, String tier) {
        String clientId = "update-" + which + "-" + tier;
        String attribute = signatureAttribute(which);
        ObjectNode representation = clientRepresentation(clientId);
        ((ObjectNode) representation.withObject("attributes")).put(attribute, algorithm);

        HttpResult refused = admin.put(clientPath(clientId), representation);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body()).contains(attribute).contains(algorithm).contains("session tier '" + tier + "'");
        JsonNode stored = clientRepresentation(clientId).path("attributes").path(attribute);
        assertThat(stored.isMissingNode() || stored.isNull() || !stored.asText().equals(algorithm))
                .as("stored: " + stored).isTrue();
    }

    @ParameterizedTest(name = "{0}, tier {1}")
    @CsvSource({"implicit, high", "password, high", "implicit, medium", "password, medium"})
    void anUpdateThatSwitchesOnALegacyGrantIsRefusedAndNothingIsStored(String which, String tier) {
        String clientId = "update-" + which + "-" + tier;
        String field = which.equals("implicit") ? "implicitFlowEnabled" : "directAccessGrantsEnabled";
        ObjectNode representation = clientRepresentation(clientId).put(field, true);

        HttpResult refused = admin.put(clientPath(clientId), representation);

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.body()).contains(field).contains("refuse-legacy-grants");
        assertThat(clientRepresentation(clientId).get(field).asBoolean()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"access", "implicit"})
    void tierLowAcceptsTheSameUpdates(String which) {
        String clientId = "update-" + which + "-low";
        ObjectNode representation = clientRepresentation(clientId);
        if (which.equals("access")) {
            ((ObjectNode) representation.withObject("attributes")).put(signatureAttribute(which), "HS256");
        } else {
            representation.put("implicitFlowEnabled", true);
        }

        HttpResult updated = admin.put(clientPath(clientId), representation);

        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        JsonNode stored = clientRepresentation(clientId);
        if (which.equals("access")) {
            assertThat(stored.path("attributes").path(signatureAttribute(which)).asText()).isEqualTo("HS256");
        } else {
            assertThat(stored.get("implicitFlowEnabled").asBoolean()).isTrue();
        }
    }

    @Test
    void anUpdateOfAnotherSettingOfATierClientIsAccepted() {
        ObjectNode representation = clientRepresentation("update-password-high").put("description", "still strong");

        HttpResult updated = admin.put(clientPath("update-password-high"), representation);

        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
        assertThat(clientRepresentation("update-password-high").get("description").asText())
                .isEqualTo("still strong");
    }

    // Clients that entered their tier weak

    @Test
    void aClientThatEnteredTheTierWithAWeakSignatureIsRefusedBeforeTheUserSignsIn() {
        BrowserSession.Outcome outcome = new BrowserSession().authorize(
                client("weak-high").authorizationUrl(REDIRECT_URI, "openid", Map.of()));

        assertThat(outcome.showedLoginForm()).isFalse();
        assertThat(outcome.queryParameter("error")).isEqualTo("unauthorized_client");
        assertThat(outcome.queryParameter("error_description")).contains("access.token.signed.response.alg")
                .contains("HS512").contains("session tier 'high'");
    }

    @Test
    void aClientThatEnteredTheTierWithAWeakSignatureGetsNoTokensOnAnyGrant() {
        HttpResult refused = new OidcClient(server, REALM, "weak-service-medium", "secret").clientCredentials();

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
        assertThat(refused.json().get("error_description").asText()).contains("id.token.signed.response.alg")
                .contains("session tier 'medium'");
    }

    @Test
    void tierLowLeavesAWeakSignatureToTheReport() {
        assertTokens(new OidcClient(server, REALM, "weak-service-low", "secret").clientCredentials());
    }

    private OidcClient client(String clientId) {
        return OidcClient.publicClient(server, REALM, clientId);
    }

    /** A code flow with PKCE, then the exchange with a DPoP proof made with {@code key}, or none. */
    private HttpResult codeExchange(OidcClient client, ECKey key) {
        String code = new BrowserSession().loginForCode(client.authorizationUrl(REDIRECT_URI, "openid", Map.of()),
                USER, PASSWORD);
        return client.exchangeCode(code, REDIRECT_URI, key == null ? Map.of() : dpopHeader(key, client));
    }

    /** A fresh proof for a POST to the token endpoint (RFC 9449 4.2), signed with {@code key}. */
    private static Map<String, String> dpopHeader(ECKey key, OidcClient client) {
        try {
            return Map.of("DPoP", new DefaultDPoPProofFactory(key, JWSAlgorithm.ES256)
                    .createDPoPJWT("POST", URI.create(client.endpoint("token"))).serialize());
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode assertTokens(HttpResult result) {
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        assertThat(result.json().get("access_token").asText()).isNotBlank();
        return result.json();
    }

    private static void legacyClient(ObjectNode client) {
        client.put("implicitFlowEnabled", true).put("directAccessGrantsEnabled", true);
    }

    private static String signatureAttribute(String which) {
        return switch (which) {
            case "access" -> "access.token.signed.response.alg";
            case "id" -> "id.token.signed.response.alg";
            default -> "user.info.response.signature.alg";
        };
    }

    private ObjectNode clientRepresentation(String clientId) {
        return (ObjectNode) admin.getJson("/admin/realms/" + REALM + "/clients?clientId=" + clientId).get(0);
    }

    private String clientPath(String clientId) {
        return "/admin/realms/" + REALM + "/clients/" + clientRepresentation(clientId).get("id").asText();
    }
}
