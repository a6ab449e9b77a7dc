package io.github.sessionguard.enforce;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.REDIRECT_URI;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Re-authentication past SSO holds on every interactive path, whatever condition selects the client, and under
 * several tiers the strictest reauth-max-age wins. The SSO session comes from a client outside every tier, as it does
 * when a user signed in to a web portal first.
 */
@KeycloakIntegrationTest
@Execution(ExecutionMode.CONCURRENT) // each test has its own browser and waits for its own clock
class ReauthenticationIT {

    private static final String REALM = "reauthentication";
    private static final long REAUTH = 4;
    private static final String SECRET = "secret";

    private AdminApi admin;
    private OidcClient portal;
    private OidcClient device;
    private OidcClient twoTiers;

    @BeforeAll
    void createRealm(KeycloakServer server, AdminApi admin) {
        this.admin = admin;
        RealmFixture realm = new RealmFixture(REALM);
        realm.publicClient("portal");
        ObjectNode deviceClient = realm.confidentialClient("tv-app", SECRET);
        deviceClient.putObject("attributes").put("oauth2.device.authorization.grant.enabled", "true");
        realm.publicClient("two-tiers");
        ObjectNode clientRoles = realm.json().putObject("roles").putObject("client");
        clientRoles.putArray("tv-app").addObject().put("name", "tiered");
        clientRoles.putArray("two-tiers").addObject().put("name", "tiered");
        Map<String, Object> strict = Map.of("tier", "high", "reauth-max-age", REAUTH, "max-lifespan", 600,
                "idle-timeout", 60, "access-token-lifespan", 30);
        realm.tierProfile("strict", strict)
                .tierProfile("loose", Map.of("tier", "medium"))
                // The device client is selected by a role: Keycloak raises no event with the client for the
                // device verification, so only the login protocol's own SSO check can ask for a login there.
                .policy("strict-devices", "strict", "client-roles", Json.parse("{\"roles\": [\"tiered\"]}"))
                // The looser tier comes last, so that "the last executor's max_age wins" would let SSO through.
                .policyForClients("loose-too", "loose", "two-tiers");
        realm.create(admin);
        portal = OidcClient.publicClient(server, REALM, "portal");
        device = new OidcClient(server, REALM, "tv-app", SECRET);
        twoTiers = OidcClient.publicClient(server, REALM, "two-tiers");
    }

    @AfterAll
    void deleteRealm() {
        admin.deleteRealm(REALM);
    }

    @Test
    void theDeviceFlowsVerificationAsksForALoginOnceReauthenticationIsDue() {
        BrowserSession browser = new BrowserSession();
        long authTime = signInToThePortal(browser);

        assertThat(showsLoginForm(browser, startDeviceFlow())).as("within reauth-max-age, SSO serves the device")
                .isFalse();
        Deadline.awaitEpochSecondPassed(authTime + REAUTH, "reauth-max-age to pass");
        assertThat(showsLoginForm(browser, startDeviceFlow())).as("past reauth-max-age, a login").isTrue();
    }

    @Test
    void underTwoTiersTheStricterReauthMaxAgeWins() {
        BrowserSession browser = new BrowserSession();
        long authTime = signInToThePortal(browser);
        String url = twoTiers.authorizationUrl(REDIRECT_URI, "openid", Map.of());
        assertThat(browser.authorize(url).showedLoginForm()).as("within reauth-max-age, silent SSO").isFalse();

        Deadline.awaitEpochSecondPassed(authTime + REAUTH, "reauth-max-age to pass");

        assertThat(browser.authorize(twoTiers.authorizationUrl(REDIRECT_URI, "openid", Map.of())).showedLoginForm())
                .as("the strict tier's %s s, not the loose tier's 24 h", REAUTH).isTrue();
    }

    private long signInToThePortal(BrowserSession browser) {
        String code = browser.loginForCode(portal.authorizationUrl(REDIRECT_URI, "openid", Map.of()), USER, PASSWORD);
        HttpResult tokens = portal.exchangeCode(code, REDIRECT_URI);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return Jwt.claims(tokens.json().get("id_token").asText()).get("auth_time").asLong();
    }

    private String startDeviceFlow() {
        HttpResult authorization = device.deviceAuthorization("openid");
        assertThat(authorization.status()).as(authorization.toString()).isEqualTo(200);
        JsonNode json = authorization.json();
        return json.get("verification_uri_complete").asText();
    }

    private static boolean showsLoginForm(BrowserSession browser, String verificationUri) {
        HttpResult page = browser.followWithinKeycloak(browser.visit(verificationUri));
        return page.body().contains("id=\"kc-form-login\"");
    }
}
