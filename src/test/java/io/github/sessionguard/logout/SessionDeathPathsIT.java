package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.RunsBesideOtherClasses;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import io.github.sessionguard.testprovider.AdminRequestFaultsFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way a session dies reaches each relying party of it exactly once, through the outbox, with the session's
 * {@code sid} and the user's {@code sub}; the relying party validates every logout token with Nimbus.
 */
@KeycloakIntegrationTest
@RunsBesideOtherClasses
class SessionDeathPathsIT {

    private static final String REALM = "death-paths";
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        withBackchannelLogout(fixture.publicClient("mobile"), receiver)
                .with("attributes").put("post.logout.redirect.uris", "+");
        withBackchannelLogout(fixture.confidentialClient("web", "web-secret"), receiver)
                .with("attributes").put("post.logout.redirect.uris", "+");
        withBackchannelLogout(fixture.publicClient("idle-app"), receiver);
        fixture.tierProfile("high", Map.of("tier", "high"))
                .tierProfile("low", Map.of("tier", "low"))
                // idle-app logs in with the password grant, which the preset refuses in high (refuse-legacy-grants);
                // the idle expiry this test is about doesn't depend on how the session began.
                .tierProfile("short-idle", Map.of("tier", "high", "idle-timeout", 20, "access-token-lifespan", 10,
                        "refuse-legacy-grants", false))
                .policyForClients("mobile-policy", "high", "mobile")
                .policyForClients("web-policy", "low", "web")
                .policyForClients("idle-policy", "short-idle", "idle-app");
        withBackchannelLogout(fixture.publicClient("scoped"), receiver);
        withBackchannelLogout(fixture.confidentialClient("plain", "plain-secret"), receiver);
        // The README's recommended way: tier high through its client scope. "plain" is in no tier.
        fixture.tierScope("scoped", "session-tier-high");
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final OidcClient mobile = realm.client("mobile");
    private final OidcClient web = realm.client("web");
    /** In tier high through the tier scope only. */
    private final OidcClient scoped = realm.client("scoped");
    /** In no tier: a session of scoped and plain ends only if scoped's tier, read through its scope, asks for it. */
    private final OidcClient plain = realm.client("plain");

    @Test
    void rpInitiatedBrowserLogout() {
        SsoSession sso = SsoSession.loginTo(mobile, web);

        HttpResult logout = sso.browser().visit(web.endpoint("logout") + "?client_id=web&id_token_hint="
                + sso.idToken("web") + "&post_logout_redirect_uri=" + Http.encode(RealmFixture.REDIRECT_URI));

        assertThat(logout.status()).isEqualTo(302);
        assertEachToldOnce(sso, "mobile", "web");
    }

    @Test
    void rpInitiatedLogoutByPostWithRefreshToken() {
        SsoSession sso = SsoSession.loginTo(mobile, web);

        assertThat(mobile.logout(sso.refreshToken("mobile")).status()).isEqualTo(204);

        assertEachToldOnce(sso, "mobile", "web");
    }

    @Test
    void adminDeletesTheSession() {
        SsoSession sso = SsoSession.loginTo(mobile, web);

        assertThat(admin.delete(realmPath("/sessions/" + sso.sessionId())).status()).isEqualTo(204);

        assertEachToldOnce(sso, "mobile", "web");
    }

    @Test
    void adminSignsTheUserOut() {
        SsoSession sso = SsoSession.loginTo(mobile, web);

        assertThat(admin.post(realmPath("/users/" + sso.userId() + "/logout"), null).status()).isEqualTo(204);

        assertEachToldOnce(sso, "mobile", "web");
    }

    @Test
    void userSignsOutOtherSessionsInTheAccountConsole() {
        SsoSession sso = SsoSession.loginTo(mobile, web);
        String accountToken = admin.tokenFor(REALM, "admin-cli", USER, PASSWORD);

        HttpResult signOut = new Http().delete(server.realmUrl(REALM) + "/account/sessions", accountToken);

        assertThat(signOut.status()).isEqualTo(204);
        assertEachToldOnce(sso, "mobile", "web");
    }

    @Test
    void passwordUpdateSignsOutOtherDevices() {
        SsoSession otherDevice = SsoSession.loginTo(mobile, web);
        BrowserSession thisDevice = new BrowserSession();

        HttpResult loginPage = thisDevice.visit(web.authorizationUrl(RealmFixture.REDIRECT_URI, "openid",
                Map.of("kc_action", "UPDATE_PASSWORD")));
        HttpResult updatePage = thisDevice.followWithinKeycloak(thisDevice.submitForm(loginPage.body(),
                "kc-form-login", Map.of("username", USER, "password", PASSWORD, "credentialId", "")));
        HttpResult updated = thisDevice.submitForm(updatePage.body(), "kc-passwd-update-form", Map.of(
                "password-new", PASSWORD, "password-confirm", PASSWORD, "logout-sessions", "on"));

        assertThat(updated.status()).as(updated.toString()).isEqualTo(302);
        assertEachToldOnce(otherDevice, "mobile", "web");
    }

    @Test
    void revokingTheMobileRefreshTokenEndsTheWholeSession() {
        SsoSession sso = SsoSession.loginTo(mobile, web);

        assertThat(mobile.revoke(sso.refreshToken("mobile"), "refresh_token").status()).isEqualTo(200);

        assertToldOnce(sso, "web");
        assertThat(web.refresh(sso.refreshToken("web")).status()).isEqualTo(400);
        assertSessionGone(sso);
    }

    @Test
    void adminResetsThePassword() {
        SsoSession sso = SsoSession.loginTo(mobile, web);

        HttpResult reset = admin.put(realmPath("/users/" + sso.userId() + "/reset-password"), Json.object()
                .put("type", "password").put("value", PASSWORD).put("temporary", false));

        assertThat(reset.status()).isEqualTo(204);
        assertEachToldOnce(sso, "mobile", "web");
        assertSessionGone(sso);
    }

    /**
     * The sessions end with the admin's change or not at all: an admin request whose transaction fails at its commit
     * changed no password, so it signs no one out and queues no logout token.
     */
    @Test
    void anAdminPasswordResetThatRollsBackEndsNoSession() {
        passwordResetThatRollsBackEndsNoSession(mobile, web);
    }

    /** As above, with the tier given by the tier scope: rolled back, nothing ends; committed, the scope's tier ends it. */
    @Test
    void anAdminPasswordResetThatRollsBackEndsNoSessionOfATierScopeClient() {
        passwordResetThatRollsBackEndsNoSession(scoped, plain);
    }

    @Test
    void adminDisablesTheUser() {
        SsoSession sso = SsoSession.loginTo(mobile, web);
        JsonNode user = admin.getJson(realmPath("/users/" + sso.userId()));
        try {
            assertThat(admin.put(realmPath("/users/" + sso.userId()),
                    ((ObjectNode) user.deepCopy()).put("enabled", false)).status())
                    .isEqualTo(204);

            assertEachToldOnce(sso, "mobile", "web");
        } finally {
            admin.put(realmPath("/users/" + sso.userId()), user);
        }
    }

    @Test
    void anAdminDisableThatRollsBackEndsNoSession() {
        disableThatRollsBackEndsNoSession(mobile, web);
    }

    @Test
    void anAdminDisableThatRollsBackEndsNoSessionOfATierScopeClient() {
        disableThatRollsBackEndsNoSession(scoped, plain);
    }

    @Test
    void adminDeletesTheUser() {
        HttpResult created = admin.post(realmPath("/users"), Json.object().put("username", "dave")
                .put("enabled", true).put("email", "dave@example.org").put("emailVerified", true)
                .put("firstName", "Dave").put("lastName", "Example"));
        assertThat(created.status()).isEqualTo(201);
        String daveId = admin.userId(REALM, "dave");
        admin.put(realmPath("/users/" + daveId + "/reset-password"), Json.object()
                .put("type", "password").put("value", "dave-password").put("temporary", false));
        SsoSession sso = SsoSession.loginAs("dave", "dave-password", mobile, web);

        assertThat(admin.delete(realmPath("/users/" + daveId)).status()).isEqualTo(204);

        assertEachToldOnce(sso, "mobile", "web");
    }

    @Test
    void realmSignsOutAllSessions() {
        SsoSession sso = SsoSession.loginTo(mobile, web);

        assertThat(admin.post(realmPath("/logout-all"), null).status()).isEqualTo(200);

        assertEachToldOnce(sso, "mobile", "web");
    }

    @Test
    void aTierIdleDeadlineIsActedOnWithoutTheClientComingBack() {
        OidcClient idleApp = OidcClient.publicClient(server, REALM, "idle-app");
        // Keycloak and the participant record count in whole seconds, rounded down: the second the login began in.
        long lastActivity = System.currentTimeMillis() / 1000 * 1000;
        JsonNode tokens = idleApp.login(USER, PASSWORD);
        String sessionId = io.github.sessionguard.testing.Jwt.claims(tokens.get("access_token").asText())
                .get("sid").asText();

        Delivery delivery = Deadline.await(Duration.ofSeconds(80), "a logout token for idle-app",
                () -> receiver.deliveriesTo("idle-app").stream().filter(d -> sessionId.equals(d.sid()))
                        .findFirst().orElse(null), d -> d != null);

        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(delivery.receivedAtMillis() - lastActivity).isBetween(20_000L, 80_000L);
    }

    /**
     * A reset that fails at its commit leaves the session of {@code tiered} (whose tier ends sessions on a credential
     * change) and {@code other}, and the old password; the same reset, committed, ends it and tells each once.
     */
    private void passwordResetThatRollsBackEndsNoSession(OidcClient tiered, OidcClient other) {
        SsoSession sso = SsoSession.loginTo(tiered, other);

        HttpResult failed = admin.put(realmPath("/users/" + sso.userId() + "/reset-password"), Json.object()
                .put("type", "password").put("value", "never-stored").put("temporary", false),
                Map.of(AdminRequestFaultsFactory.FAIL_COMMIT_HEADER, "true"));

        assertThat(failed.status()).as(failed.body()).isGreaterThanOrEqualTo(400);
        assertThat(admin.userSessions(REALM, USER).findValuesAsText("id")).contains(sso.sessionId());
        assertThat(tiered.refresh(sso.refreshToken(tiered.clientId())).status()).isEqualTo(200);
        // The password is still the old one: a new browser login with it succeeds.
        SsoSession.loginTo(other);
        // Control: the same reset that commits ends the session, and each relying party hears of it once only.
        assertThat(admin.put(realmPath("/users/" + sso.userId() + "/reset-password"), Json.object()
                .put("type", "password").put("value", PASSWORD).put("temporary", false)).status()).isEqualTo(204);
        assertEachToldOnce(sso, tiered.clientId(), other.clientId());
        assertSessionGone(sso);
    }

    /** As {@link #passwordResetThatRollsBackEndsNoSession}, for disabling the user. */
    private void disableThatRollsBackEndsNoSession(OidcClient tiered, OidcClient other) {
        SsoSession sso = SsoSession.loginTo(tiered, other);
        JsonNode user = admin.getJson(realmPath("/users/" + sso.userId()));
        ObjectNode disabled = ((ObjectNode) user.deepCopy()).put("enabled", false);

        HttpResult failed = admin.put(realmPath("/users/" + sso.userId()), disabled,
                Map.of(AdminRequestFaultsFactory.FAIL_COMMIT_HEADER, "true"));

        assertThat(failed.status()).as(failed.body()).isGreaterThanOrEqualTo(400);
        assertThat(admin.getJson(realmPath("/users/" + sso.userId())).get("enabled").asBoolean()).isTrue();
        assertThat(admin.userSessions(REALM, USER).findValuesAsText("id")).contains(sso.sessionId());
        assertThat(tiered.refresh(sso.refreshToken(tiered.clientId())).status()).isEqualTo(200);
        try {
            // Control: the same update that commits ends the session, and each relying party hears of it once.
            assertThat(admin.put(realmPath("/users/" + sso.userId()), disabled).status()).isEqualTo(204);
            assertEachToldOnce(sso, tiered.clientId(), other.clientId());
        } finally {
            admin.put(realmPath("/users/" + sso.userId()), user);
        }
    }

    private void assertSessionGone(SsoSession sso) {
        assertThat(admin.userSessions(REALM, USER).findValuesAsText("id")).doesNotContain(sso.sessionId());
    }

    private void assertEachToldOnce(SsoSession sso, String... clientIds) {
        for (String clientId : clientIds) {
            assertToldOnce(sso, clientId);
        }
    }

    private void assertToldOnce(SsoSession sso, String clientId) {
        Delivery delivery = Deadline.await(DELIVERY, "a logout token for " + clientId,
                () -> deliveries(sso, clientId).stream().findFirst().orElse(null), d -> d != null);
        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(delivery.sub()).isEqualTo(sso.userId());
        // Give a duplicate the chance to arrive before counting.
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + 1, "a possible duplicate");
        assertThat(deliveries(sso, clientId)).as("logout tokens for %s", clientId).hasSize(1);
    }

    private List<Delivery> deliveries(SsoSession sso, String clientId) {
        return receiver.deliveriesTo(clientId).stream().filter(d -> sso.sessionId().equals(d.sid())).toList();
    }

    private static String realmPath(String path) {
        return "/admin/realms/" + REALM + path;
    }
}
