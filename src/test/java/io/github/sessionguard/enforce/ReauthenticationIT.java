package io.github.sessionguard.enforce;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.REDIRECT_URI;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
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
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.MovesTheSharedClock;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Re-authentication past SSO holds on every interactive path, whatever condition selects the client, and under
 * several tiers the strictest reauth-max-age wins. With reauth-after-idle, the tier's idle time is a boundary too: a
 * client unused for longer than its idle-timeout gets the login form, although another client kept the SSO session
 * alive. The SSO session comes from a client outside every tier, as it does when a user signed in to a web portal
 * first; the portal refreshes its tokens while the tiered client idles.
 *
 * <p>The time limits pass on the server's clock, moved ahead: what must happen within a limit then has minutes of
 * real time on a loaded machine (with a 4 s reauth-max-age on the wall clock, a sign-in and a device verification
 * took longer than that in CI, and SSO rightly asked for a login).
 */
@KeycloakIntegrationTest
@MovesTheSharedClock
class ReauthenticationIT {

    private static final String REALM = "reauthentication";
    /** Shorter than the strict tier's idle-timeout, so that past it only reauth-max-age can ask for the login. */
    private static final long REAUTH = 120;
    private static final long STRICT_IDLE = 300;
    private static final long IDLE = 300;
    private static final String SECRET = "secret";
    private static final String IDLE_TV = "idle-tv";

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        fixture.publicClient("portal");
        for (String clientId : new String[] {"idle-by-scope", "idle-by-policy", "idle-off-by-scope",
                "idle-off-by-policy"}) {
            fixture.publicClient(clientId);
        }
        // Told by the expiry scan when its idle ends its part of the session, which detaches its client session.
        withBackchannelLogout(fixture.publicClient("told-by-scope"), receiver);
        withBackchannelLogout(fixture.publicClient("told-by-policy"), receiver);
        fixture.confidentialClient(IDLE_TV, SECRET).putObject("attributes")
                .put("oauth2.device.authorization.grant.enabled", "true");
        ObjectNode deviceClient = fixture.confidentialClient("tv-app", SECRET);
        deviceClient.putObject("attributes").put("oauth2.device.authorization.grant.enabled", "true");
        fixture.publicClient("two-tiers");
        ObjectNode clientRoles = fixture.json().putObject("roles").putObject("client");
        clientRoles.putArray("tv-app").addObject().put("name", "tiered");
        clientRoles.putArray("two-tiers").addObject().put("name", "tiered");
        Map<String, Object> strict = Map.of("tier", "high", "reauth-max-age", REAUTH, "max-lifespan", 600,
                "idle-timeout", STRICT_IDLE, "access-token-lifespan", 30);
        fixture.tierProfile("strict", strict)
                .tierProfile("loose", Map.of("tier", "medium"))
                // The device client is selected by a role: Keycloak raises no event with the client for the
                // device verification, so only the login protocol's own SSO check can ask for a login there.
                .policy("strict-devices", "strict", "client-roles", Json.parse("{\"roles\": [\"tiered\"]}"))
                // The looser tier comes last, so that "the last executor's max_age wins" would let SSO through.
                .policyForClients("loose-too", "loose", "two-tiers")
                // reauth-after-idle is the preset of tier high; the "off" profile switches it off.
                .tierProfile("short-idle", shortIdle(Map.of()))
                .tierProfile("short-idle-off", shortIdle(Map.of("reauth-after-idle", false)))
                .policyForClients("short-idle", "short-idle", "idle-by-policy", "told-by-policy", IDLE_TV)
                .policyForClients("short-idle-off", "short-idle-off", "idle-off-by-policy");
        // The other way in: the tier scopes, with the tiers' profiles edited as an administrator tunes them (below).
        fixture.tierScope("idle-by-scope", "session-tier-high")
                .tierScope("told-by-scope", "session-tier-high")
                .tierScope("idle-off-by-scope", "session-tier-medium");
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final OidcClient portal = realm.client("portal");
    private final OidcClient device = realm.client("tv-app");
    private final OidcClient twoTiers = realm.client("two-tiers");

    @BeforeAll
    void tuneTheTierScopesProfiles() {
        tuneTierProfile("session-tier-high", shortIdle(Map.of()));
        tuneTierProfile("session-tier-medium", shortIdle(Map.of("tier", "medium", "reauth-after-idle", false)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idle-by-scope", "idle-by-policy"})
    void pastTheClientsIdleAnAuthorizationRequestShowsTheLoginFormThoughAnotherClientKeptTheSessionAlive(
            String clientId) {
        BrowserSession browser = new BrowserSession();
        JsonNode portalTokens = signInToThePortal(browser);
        OidcClient app = OidcClient.publicClient(server, REALM, clientId);
        JsonNode first = silentSso(browser, app, "the client's first use in the session: no idle of its own yet");
        silentSso(browser, app, "within the client's idle, silent SSO");

        passTheIdleTimeout();
        keepThePortalAlive(portalTokens);

        BrowserSession.Outcome renewal = browser.authorize(app.authorizationUrl(REDIRECT_URI, "openid",
                Map.of("prompt", "none")));
        assertThat(renewal.showedLoginForm()).isFalse();
        assertThat(renewal.queryParameter("error")).as("a silent renewal is told to log in")
                .isEqualTo("login_required");
        BrowserSession.Outcome past = browser.authorize(app.authorizationUrl(REDIRECT_URI, "openid", Map.of()));
        assertThat(past.showedLoginForm()).as("past the client's idle-timeout, the login form, although the portal"
                + " kept the SSO session alive").isTrue();
        String code = browser.submitLogin(past, USER, PASSWORD).queryParameter("code");
        JsonNode again = Jwt.claims(exchanged(app, code).get("id_token").asText());
        assertThat(again.get("auth_time").asLong()).as("a fresh authentication")
                .isGreaterThan(first.get("auth_time").asLong());
        assertThat(again.get("sid").asText()).as("in the same SSO session").isEqualTo(first.get("sid").asText());
        silentSso(browser, app, "after the login, the client's idle starts again");
        keepThePortalAlive(portalTokens);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"idle-off-by-scope", "idle-off-by-policy"})
    void withReauthAfterIdleOffSsoServesTheClientPastItsIdle(String clientId) {
        BrowserSession browser = new BrowserSession();
        JsonNode portalTokens = signInToThePortal(browser);
        OidcClient app = OidcClient.publicClient(server, REALM, clientId);
        silentSso(browser, app, "the client's first use");

        passTheIdleTimeout();
        keepThePortalAlive(portalTokens);

        silentSso(browser, app, "reauth-after-idle false: past the idle-timeout, silent SSO as before");
    }

    /**
     * The expiry scan ends an idle client's part of the session (and tells it), which removes its client session:
     * SSO must not take a client whose part ended for idleness for one that never took part.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"told-by-scope", "told-by-policy"})
    void aClientWhosePartTheScanEndedForIdlenessStillGetsTheLoginForm(String clientId) {
        BrowserSession browser = new BrowserSession();
        JsonNode portalTokens = signInToThePortal(browser);
        OidcClient app = OidcClient.publicClient(server, REALM, clientId);
        JsonNode claims = silentSso(browser, app, "the client's first use");
        String sid = claims.get("sid").asText();

        passTheIdleTimeout();
        Deadline.await(KeycloakServer.SCAN_AND_DELIVERY.multipliedBy(3),
                "the scan to end the client's part for idleness",
                () -> receiver.deliveriesTo(clientId).stream().anyMatch(told -> sid.equals(told.sid())));
        keepThePortalAlive(portalTokens);

        assertThat(browser.authorize(app.authorizationUrl(REDIRECT_URI, "openid", Map.of())).showedLoginForm())
                .as("the client's last use is older than its idle-timeout, though it has no client session now")
                .isTrue();
    }

    @Test
    void pastTheClientsIdleTheDeviceFlowsVerificationAsksForALogin() {
        BrowserSession browser = new BrowserSession();
        JsonNode portalTokens = signInToThePortal(browser);
        OidcClient tv = new OidcClient(server, REALM, IDLE_TV, SECRET);
        JsonNode authorization = tv.deviceAuthorization("openid").json();
        browser.approveDevice(authorization.get("verification_uri_complete").asText(), USER, PASSWORD);
        exchanged(tv.deviceToken(authorization.get("device_code").asText()));
        assertThat(showsLoginForm(browser, startDeviceFlow(tv))).as("within the client's idle, SSO serves the device")
                .isFalse();
        // SSO serving the device is a use of the client too: its idle counts from here.
        passTheIdleTimeout();
        keepThePortalAlive(portalTokens);

        assertThat(showsLoginForm(browser, startDeviceFlow(tv))).as("past the client's idle-timeout, a login")
                .isTrue();
    }

    @Test
    void theDeviceFlowsVerificationAsksForALoginOnceReauthenticationIsDue() {
        BrowserSession browser = new BrowserSession();
        signInToThePortal(browser);

        assertThat(showsLoginForm(browser, startDeviceFlow())).as("within reauth-max-age, SSO serves the device")
                .isFalse();
        passReauthMaxAge();
        assertThat(showsLoginForm(browser, startDeviceFlow())).as("past reauth-max-age, a login").isTrue();
    }

    @Test
    void underTwoTiersTheStricterReauthMaxAgeWins() {
        BrowserSession browser = new BrowserSession();
        signInToThePortal(browser);
        String url = twoTiers.authorizationUrl(REDIRECT_URI, "openid", Map.of());
        assertThat(browser.authorize(url).showedLoginForm()).as("within reauth-max-age, silent SSO").isFalse();

        passReauthMaxAge();

        assertThat(browser.authorize(twoTiers.authorizationUrl(REDIRECT_URI, "openid", Map.of())).showedLoginForm())
                .as("the strict tier's %s s, not the loose tier's 24 h", REAUTH).isTrue();
    }

    /**
     * Everything before this happened on the unmoved clock, so its uses and authentication are at most now; a second
     * more covers Keycloak's whole-second stamps.
     */
    private void passTheIdleTimeout() {
        server.setClockAhead(Duration.ofSeconds(IDLE + 1));
    }

    /** Past reauth-max-age, but not past the strict tier's idle, which would ask for a login on its own. */
    private void passReauthMaxAge() {
        server.setClockAhead(Duration.ofSeconds(REAUTH + 1));
    }

    private JsonNode signInToThePortal(BrowserSession browser) {
        String code = browser.loginForCode(portal.authorizationUrl(REDIRECT_URI, "openid", Map.of()), USER, PASSWORD);
        return exchanged(portal, code);
    }

    /** The portal refreshes, as a web app in use does: the SSO session's own idle clock starts again. */
    private void keepThePortalAlive(JsonNode portalTokens) {
        HttpResult refreshed = portal.refresh(portalTokens.get("refresh_token").asText());
        assertThat(refreshed.status()).as("the portal keeps the session alive: " + refreshed).isEqualTo(200);
    }

    /** An authorization request answered by SSO (no login form), its code exchanged; the ID token's claims. */
    private static JsonNode silentSso(BrowserSession browser, OidcClient app, String why) {
        BrowserSession.Outcome outcome = browser.authorize(app.authorizationUrl(REDIRECT_URI, "openid", Map.of()));
        assertThat(outcome.showedLoginForm()).as(why).isFalse();
        return Jwt.claims(exchanged(app, outcome.queryParameter("code")).get("id_token").asText());
    }

    private static JsonNode exchanged(OidcClient app, String code) {
        return exchanged(app.exchangeCode(code, REDIRECT_URI));
    }

    private static JsonNode exchanged(HttpResult tokens) {
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);
        return tokens.json();
    }

    private static Map<String, Object> shortIdle(Map<String, Object> overrides) {
        Map<String, Object> configuration = new HashMap<>(Map.of("tier", "high", "idle-timeout", IDLE,
                "access-token-lifespan", IDLE / 2));
        configuration.putAll(overrides);
        return configuration;
    }

    private void tuneTierProfile(String profileName, Map<String, Object> configuration) {
        String path = "/admin/realms/" + REALM + "/client-policies/profiles";
        JsonNode profiles = admin.getJson(path);
        for (JsonNode profile : profiles.get("profiles")) {
            if (profile.get("name").asText().equals(profileName)) {
                ((ObjectNode) profile.get("executors").get(0)).set("configuration",
                        Json.MAPPER.valueToTree(configuration));
            }
        }
        HttpResult saved = admin.put(path, profiles);
        assertThat(saved.status()).as(saved.toString()).isEqualTo(204);
    }

    private String startDeviceFlow() {
        return startDeviceFlow(device);
    }

    private static String startDeviceFlow(OidcClient device) {
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
