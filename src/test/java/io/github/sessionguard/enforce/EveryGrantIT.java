package io.github.sessionguard.enforce;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.REDIRECT_URI;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RunsBesideOtherClasses;
import io.github.sessionguard.testing.TemporaryRealm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The tier holds on every grant, whatever condition selects the client, and under two tiers at once. One realm per
 * condition: client {@code one} is in a strict tier through that condition; client {@code two} is in the same strict
 * tier through it and, through a second policy, in a looser tier with a grace period as well (the configuration that
 * ended sessions on their first refresh). Every cell asserts the strict tier's caps, the absolute lifetime from
 * {@code auth_time}, single use of the refresh token, and the refusal of offline tokens, or a clear refusal. The
 * strict and looser tiers switch refuse-legacy-grants off, so the password and implicit cells show those grants
 * shaped as before; client {@code three}, in the preset high tier, shows them refused.
 */
@KeycloakIntegrationTest
@RunsBesideOtherClasses
class EveryGrantIT {

    private static final long ACCESS = 30;
    private static final long IDLE = 60;
    private static final long MAX = 300;
    private static final String SECRET = "secret";
    private static final String SCOPE = "tiered-scope";
    private static final Map<String, String> CONDITIONS = ConditionsSelectingOneAndTwo.with(Map.of(
            "client-scopes", "{\"type\": \"Default\", \"scopes\": [\"" + SCOPE + "\"]}"));

    private KeycloakServer server;
    private AdminApi admin;
    private final Map<String, TemporaryRealm> realms = new HashMap<>();

    @BeforeAll
    void createRealms(KeycloakServer server, AdminApi admin) {
        this.server = server;
        this.admin = admin;
        CONDITIONS.forEach(this::createRealm);
    }

    @AfterAll
    void deleteRealms() {
        realms.values().forEach(TemporaryRealm::close);
    }

    @TestFactory
    Stream<DynamicNode> everyGrantUnderEveryCondition() {
        return CONDITIONS.keySet().stream().sorted().map(condition -> DynamicContainer.dynamicContainer(condition,
                Stream.concat(Stream.of("one", "two").map(clientId -> DynamicContainer.dynamicContainer(
                        clientId.equals("one") ? "one tier" : "two tiers", grants(condition, clientId))),
                        Stream.of(DynamicContainer.dynamicContainer("preset tier", legacyGrantsRefused(condition))))));
    }

    /** The preset of high refuses the token-leaking grants, even for a client whose own switches allow them. */
    private Stream<DynamicTest> legacyGrantsRefused(String condition) {
        OidcClient client = new OidcClient(server, realmOf(condition), "three", SECRET);
        return Stream.of(
                DynamicTest.dynamicTest("password is refused", () -> {
                    HttpResult refused = client.passwordGrant(USER, PASSWORD, "openid");
                    assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
                    assertThat(refused.json().get("error").asText()).isEqualTo("unauthorized_client");
                    assertThat(refused.json().get("error_description").asText()).contains("session tier 'high'");
                }),
                DynamicTest.dynamicTest("implicit is refused", () -> {
                    BrowserSession.Outcome outcome = new BrowserSession().authorize(client.authorizationUrl(
                            REDIRECT_URI, "openid", Map.of("response_type", "id_token token", "nonce",
                                    "n-" + System.nanoTime(), "response_mode", "fragment")));
                    assertThat(outcome.showedLoginForm()).as("refused before the user signs in").isFalse();
                    assertThat(outcome.fragmentParameter("error")).as(outcome.redirect())
                            .isEqualTo("unauthorized_client");
                    assertThat(outcome.fragmentParameter("access_token")).isNull();
                }));
    }

    private Stream<DynamicTest> grants(String condition, String clientId) {
        OidcClient client = new OidcClient(server, realmOf(condition), clientId, SECRET);
        // Keycloak's token post-processing, where the tier shapes every grant, doesn't show the ID token; the
        // executor shapes it on the response events it runs on, which conditions about the client reach only for
        // some grants (see the README). Where it can't, the ID token keeps Keycloak's own lifetime.
        boolean idToken = condition.equals("client-id") || condition.equals("any-client");
        return Stream.of(
                DynamicTest.dynamicTest("password", () -> password(client, idToken)),
                DynamicTest.dynamicTest("password with offline_access is refused", () -> passwordOffline(client)),
                DynamicTest.dynamicTest("refresh", () -> refresh(client, idToken)),
                DynamicTest.dynamicTest("client credentials", () -> clientCredentials(client)),
                DynamicTest.dynamicTest("authorization code", () -> authorizationCode(client, idToken)),
                DynamicTest.dynamicTest("authorization code with offline_access is refused",
                        () -> authorizationCodeOffline(client)),
                DynamicTest.dynamicTest("implicit", () -> implicit(client)),
                DynamicTest.dynamicTest("device", () -> device(client, idToken)),
                DynamicTest.dynamicTest("device with offline_access is refused", () -> deviceOffline(client)),
                DynamicTest.dynamicTest("token exchange", () -> tokenExchange(client)));
    }

    private void password(OidcClient client, boolean idToken) {
        JsonNode tokens = ok(client.passwordGrant(USER, PASSWORD, "openid"));
        assertCapped(tokens, idToken);
        assertSingleUse(client, tokens.get("refresh_token").asText());
    }

    private void passwordOffline(OidcClient client) {
        HttpResult refused = client.passwordGrant(USER, PASSWORD, "openid offline_access");
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_scope");
        assertThat(refused.json().get("error_description").asText()).contains("session tier 'high'");
    }

    private void refresh(OidcClient client, boolean idToken) {
        JsonNode login = ok(client.passwordGrant(USER, PASSWORD, "openid"));
        JsonNode refreshed = ok(client.refresh(login.get("refresh_token").asText()));
        assertCapped(refreshed, idToken);
        assertThat(Jwt.claims(refreshed.get("access_token").asText()).get("sid").asText())
                .isEqualTo(Jwt.claims(login.get("access_token").asText()).get("sid").asText());
        assertSingleUse(client, refreshed.get("refresh_token").asText());
    }

    private void clientCredentials(OidcClient client) {
        JsonNode tokens = ok(client.clientCredentials());
        assertThat(Jwt.lifetime(tokens.get("access_token").asText())).isLessThanOrEqualTo(ACCESS);
        assertThat(tokens.get("expires_in").asLong()).isLessThanOrEqualTo(ACCESS);
    }

    private void authorizationCode(OidcClient client, boolean idToken) {
        String code = new BrowserSession().loginForCode(client.authorizationUrl(REDIRECT_URI, "openid", Map.of()),
                USER, PASSWORD);
        JsonNode tokens = ok(client.exchangeCode(code, REDIRECT_URI));
        assertCapped(tokens, idToken);
        assertSingleUse(client, tokens.get("refresh_token").asText());
    }

    private void authorizationCodeOffline(OidcClient client) {
        BrowserSession.Outcome outcome = new BrowserSession().authorize(
                client.authorizationUrl(REDIRECT_URI, "openid offline_access", Map.of()));
        assertThat(outcome.showedLoginForm()).as("refused before the user signs in").isFalse();
        assertThat(outcome.queryParameter("error")).isEqualTo("invalid_scope");
    }

    private void implicit(OidcClient client) {
        BrowserSession browser = new BrowserSession();
        BrowserSession.Outcome outcome = browser.authorize(client.authorizationUrl(REDIRECT_URI, "openid",
                Map.of("response_type", "id_token token", "nonce", "n-" + System.nanoTime(), "response_mode",
                        "fragment")));
        outcome = browser.submitLogin(outcome, USER, PASSWORD);
        String accessToken = outcome.fragmentParameter("access_token");
        assertThat(accessToken).as(outcome.redirect()).isNotNull();
        assertThat(Jwt.lifetime(accessToken)).isLessThanOrEqualTo(ACCESS);
        assertWithinAbsoluteLifetime(accessToken);
        assertThat(Long.parseLong(outcome.fragmentParameter("expires_in"))).isLessThanOrEqualTo(ACCESS);
    }

    private void device(OidcClient client, boolean idToken) {
        JsonNode authorization = ok(client.deviceAuthorization("openid"));
        new BrowserSession().approveDevice(authorization.get("verification_uri_complete").asText(), USER, PASSWORD);
        JsonNode tokens = ok(client.deviceToken(authorization.get("device_code").asText()));
        assertCapped(tokens, idToken);
        assertSingleUse(client, tokens.get("refresh_token").asText());
    }

    private void deviceOffline(OidcClient client) {
        JsonNode authorization = ok(client.deviceAuthorization("openid offline_access"));
        new BrowserSession().approveDevice(authorization.get("verification_uri_complete").asText(), USER, PASSWORD);
        HttpResult refused = client.deviceToken(authorization.get("device_code").asText());
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("error_description").asText()).contains("session tier 'high'");
    }

    private void tokenExchange(OidcClient client) {
        JsonNode login = ok(client.passwordGrant(USER, PASSWORD, "openid"));
        JsonNode exchanged = ok(client.exchangeToken(login.get("access_token").asText(),
                "urn:ietf:params:oauth:token-type:refresh_token", null));
        assertCapped(exchanged, false);
        assertSingleUse(client, exchanged.get("refresh_token").asText());
    }

    private static JsonNode ok(HttpResult result) {
        assertThat(result.status()).as(result.toString()).isEqualTo(200);
        return result.json();
    }

    private static void assertCapped(JsonNode tokens, boolean idToken) {
        String accessToken = tokens.get("access_token").asText();
        assertThat(Jwt.lifetime(accessToken)).as("access token lifetime").isLessThanOrEqualTo(ACCESS);
        assertThat(tokens.get("expires_in").asLong()).isLessThanOrEqualTo(ACCESS);
        assertWithinAbsoluteLifetime(accessToken);
        String refreshToken = tokens.get("refresh_token").asText();
        assertThat(Jwt.lifetime(refreshToken)).as("refresh token lifetime").isLessThanOrEqualTo(IDLE);
        assertThat(tokens.get("refresh_expires_in").asLong()).isLessThanOrEqualTo(IDLE);
        assertWithinAbsoluteLifetime(refreshToken);
        if (idToken) {
            assertThat(Jwt.lifetime(tokens.get("id_token").asText())).as("ID token lifetime")
                    .isLessThanOrEqualTo(ACCESS);
        }
    }

    /** No token lives past the user's authentication plus max-lifespan. */
    private static void assertWithinAbsoluteLifetime(String token) {
        JsonNode claims = Jwt.claims(token);
        long authTime = claims.has("auth_time") ? claims.get("auth_time").asLong() : claims.get("iat").asLong();
        assertThat(claims.get("exp").asLong()).isLessThanOrEqualTo(authTime + MAX);
    }

    /** The first refresh with the token works; the second is a replay, refused, and it ends the session. */
    private static void assertSingleUse(OidcClient client, String refreshToken) {
        JsonNode refreshed = ok(client.refresh(refreshToken));
        assertThat(refreshed.get("refresh_token").asText()).isNotEqualTo(refreshToken);
        HttpResult replay = client.refresh(refreshToken);
        assertThat(replay.status()).as(replay.toString()).isEqualTo(400);
        assertThat(replay.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(replay.json().get("error_description").asText()).contains("already used");
        HttpResult afterReplay = client.refresh(refreshed.get("refresh_token").asText());
        assertThat(afterReplay.status()).as("the session ended with the replay").isEqualTo(400);
    }

    private void createRealm(String condition, String configuration) {
        boolean scopeCondition = condition.equals("client-scopes");
        AtomicReference<JsonNode> policies = new AtomicReference<>();
        realms.put(condition, TemporaryRealm.create(server, admin, realmOf(condition), (fixture, receiver) -> {
            for (String clientId : List.of("one", "two", "three")) {
                grantEverything(fixture.confidentialClient(clientId, SECRET));
            }
            ConditionsSelectingOneAndTwo.giveRoles(fixture);
            fixture.tierProfile("strict", Map.of("tier", "high", "access-token-lifespan", ACCESS, "idle-timeout", IDLE,
                            "max-lifespan", MAX, "refuse-legacy-grants", false))
                    .tierProfile("looser", Map.of("tier", "medium", "access-token-lifespan", ACCESS * 2,
                            "idle-timeout", IDLE * 2, "max-lifespan", MAX * 2, "reuse-grace-period", 10,
                            "refuse-legacy-grants", false))
                    .tierProfile("preset-high", Map.of("tier", "high"))
                    .policy("strict-by-condition", "strict", condition, Json.parse(configuration))
                    .policyForClients("looser-for-two", "looser", "two")
                    .policyForClients("preset-for-three", "preset-high", "three");
            if (scopeCondition) {
                // Keycloak refuses a client-scopes condition naming a scope that doesn't exist yet: the policies
                // are put once the realm has the scope.
                policies.set(fixture.json().remove("clientPolicies"));
            }
        }));
        if (scopeCondition) {
            addDefaultScope(realmOf(condition));
            HttpResult put = admin.put("/admin/realms/" + realmOf(condition) + "/client-policies/policies",
                    policies.get());
            assertThat(put.status()).as(put.toString()).isEqualTo(204);
        }
    }

    /** Every grant a confidential client can use, with its own tokens exchangeable (audience) for itself. */
    private static void grantEverything(ObjectNode client) {
        client.put("implicitFlowEnabled", true).put("serviceAccountsEnabled", true);
        ObjectNode attributes = client.putObject("attributes");
        attributes.put("oauth2.device.authorization.grant.enabled", "true")
                .put("standard.token.exchange.enabled", "true")
                .put("standard.token.exchange.enableRefreshRequestedTokenType", "SAME_SESSION")
                .put(ConditionsSelectingOneAndTwo.ATTRIBUTE, "yes");
        ObjectNode audience = client.putArray("protocolMappers").addObject().put("name", "own-audience")
                .put("protocol", "openid-connect").put("protocolMapper", "oidc-audience-mapper");
        audience.putObject("config").put("included.client.audience", client.get("clientId").asText())
                .put("access.token.claim", "true").put("id.token.claim", "false");
    }

    private void addDefaultScope(String realm) {
        HttpResult created = admin.post("/admin/realms/" + realm + "/client-scopes",
                Json.object().put("name", SCOPE).put("protocol", "openid-connect"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String location = created.header("Location");
        String scopeId = location.substring(location.lastIndexOf('/') + 1);
        for (JsonNode client : admin.getJson("/admin/realms/" + realm + "/clients")) {
            String clientId = client.get("clientId").asText();
            if (clientId.equals("one") || clientId.equals("two")) {
                HttpResult added = admin.put("/admin/realms/" + realm + "/clients/" + client.get("id").asText()
                        + "/default-client-scopes/" + scopeId, Json.object());
                assertThat(added.status()).as(added.toString()).isEqualTo(204);
            }
        }
    }

    private static String realmOf(String condition) {
        return "grants-" + condition;
    }
}
