package io.github.sessionguard.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.MovesTheSharedClock;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A tier's timeouts hold on the real server: idle 5 min, access 1 min, max 15 min, reauth-max-age 2 min, passed by
 * moving the server's clock, so that what must happen within a limit has minutes of real time on a loaded machine. A
 * client outside every tier in the same realm keeps Keycloak's stock behaviour.
 */
@KeycloakIntegrationTest
@MovesTheSharedClock
class TierEnforcementIT {

    private static final String REALM = "tier-enforcement";
    private static final long IDLE = 300;
    private static final long ACCESS = 60;
    private static final long MAX = 900;
    /** Shorter than the idle-timeout, so that past it only reauth-max-age can ask for the login. */
    private static final long REAUTH = 120;

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, fixture -> {
        fixture.publicClient("mobile");
        fixture.publicClient("mobile-reauth");
        fixture.publicClient("outside");
        fixture.introspectingClient("introspector", "introspector-secret");
        // mobile logs in with the password grant, which the preset refuses in high (refuse-legacy-grants); the caps
        // tested here apply whatever the grant. TokenHardeningIT tests the refusal.
        fixture.tierProfile("short-high", Map.of("tier", "high", "idle-timeout", IDLE,
                        "access-token-lifespan", ACCESS, "max-lifespan", String.valueOf(MAX),
                        "refuse-legacy-grants", false))
                .tierProfile("reauth-high", Map.of("tier", "high", "idle-timeout", IDLE,
                        "access-token-lifespan", ACCESS, "max-lifespan", 600, "reauth-max-age", REAUTH))
                .policyForClients("mobile-policy", "short-high", "mobile")
                .policyForClients("reauth-policy", "reauth-high", "mobile-reauth");
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();
    private final OidcClient mobile = realm.client("mobile");
    private final OidcClient reauthMobile = realm.client("mobile-reauth");
    private final OidcClient outside = realm.client("outside");
    private final OidcClient introspector = realm.client("introspector");

    @Test
    void accessAndIdTokensLiveAtMostTheAccessTokenLifespanAndRefreshTokensTheIdleTimeout() {
        JsonNode tokens = passwordLogin(mobile, "openid");

        assertThat(Jwt.lifetime(tokens.get("access_token").asText())).isLessThanOrEqualTo(ACCESS);
        assertThat(Jwt.lifetime(tokens.get("id_token").asText())).isLessThanOrEqualTo(ACCESS);
        assertThat(tokens.get("expires_in").asLong()).isLessThanOrEqualTo(ACCESS);
        assertThat(Jwt.lifetime(tokens.get("refresh_token").asText())).isLessThanOrEqualTo(IDLE);
        assertThat(tokens.get("refresh_expires_in").asLong()).isLessThanOrEqualTo(IDLE);

        JsonNode refreshed = mobile.refresh(tokens.get("refresh_token").asText()).json();
        assertThat(Jwt.lifetime(refreshed.get("access_token").asText())).isLessThanOrEqualTo(ACCESS);
        assertThat(Jwt.lifetime(refreshed.get("refresh_token").asText())).isLessThanOrEqualTo(IDLE);
    }

    @Test
    void clientOutsideEveryTierKeepsStockLifetimes() {
        JsonNode tokens = passwordLogin(outside, "openid");

        // Keycloak's realm defaults: 5 min access tokens, refresh tokens bounded by the 30 min SSO idle.
        assertThat(Jwt.lifetime(tokens.get("access_token").asText())).isEqualTo(300);
        assertThat(Jwt.lifetime(tokens.get("refresh_token").asText())).isEqualTo(1800);
    }

    @Test
    void afterIdleTimeoutRefreshFailsAndTheAccessTokenIntrospectsInactive() {
        JsonNode tokens = passwordLogin(mobile, "openid");
        String accessToken = tokens.get("access_token").asText();
        String refreshToken = tokens.get("refresh_token").asText();
        assertThat(introspector.introspect(accessToken).get("active").asBoolean()).isTrue();

        // The user session itself lives on (realm SSO idle is 30 min); only the tier's idle window ends it.
        server.setClockAhead(Duration.ofSeconds(IDLE + 1));

        HttpResult refresh = mobile.refresh(refreshToken);
        assertThat(refresh.status()).isEqualTo(400);
        assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(introspector.introspect(accessToken).get("active").asBoolean()).isFalse();
    }

    @Test
    void noTokenLivesPastMaxLifespanThroughRefreshesNorThroughSso() {
        BrowserSession browser = new BrowserSession();
        String code = browser.loginForCode(mobile.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of()),
                RealmFixture.USER, RealmFixture.PASSWORD);
        JsonNode tokens = mobile.exchangeCode(code, RealmFixture.REDIRECT_URI).json();
        long authTime = Jwt.claims(tokens.get("access_token").asText()).get("auth_time").asLong();
        long deadline = authTime + MAX;

        // Keep the client active, refreshing well inside its idle window, until the absolute deadline stops it.
        // Uncapped, the refresh tokens of 750 s and 870 s would outlive max-lifespan (idle 300 s), and the access
        // token of 870 s too (60 s): both caps are asserted.
        String refreshToken = tokens.get("refresh_token").asText();
        for (long offset : new long[] {250, 500, 750, 870}) {
            server.setClockAhead(Duration.ofSeconds(offset));
            HttpResult refresh = mobile.refresh(refreshToken);
            assertThat(refresh.status()).as("refresh %s s after the login: %s", offset, refresh).isEqualTo(200);
            JsonNode refreshed = refresh.json();
            assertThat(Jwt.claims(refreshed.get("access_token").asText()).get("exp").asLong())
                    .isLessThanOrEqualTo(deadline);
            assertThat(Jwt.claims(refreshed.get("refresh_token").asText()).get("exp").asLong())
                    .isLessThanOrEqualTo(deadline);
            refreshToken = refreshed.get("refresh_token").asText();
        }
        server.setClockAhead(Duration.ofSeconds(MAX + 1));
        HttpResult refresh = mobile.refresh(refreshToken);
        assertThat(refresh.status()).isEqualTo(400);
        assertThat(refresh.json().get("error").asText()).isEqualTo("invalid_grant");

        // The SSO session is still alive: a client outside the tier gets in silently...
        assertThat(browser.authorize(outside.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of()))
                .showedLoginForm()).isFalse();
        // ...but the tiered client must show the login form instead of silently restarting its session.
        BrowserSession.Outcome again = browser.authorize(
                mobile.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of()));
        assertThat(again.showedLoginForm()).isTrue();

        String freshCode = browser.submitLogin(again, RealmFixture.USER, RealmFixture.PASSWORD).queryParameter("code");
        JsonNode fresh = mobile.exchangeCode(freshCode, RealmFixture.REDIRECT_URI).json();
        assertThat(Jwt.claims(fresh.get("access_token").asText()).get("auth_time").asLong()).isGreaterThan(authTime);
    }

    @Test
    void authorizationRequestShowsTheLoginFormOnceReauthMaxAgeHasPassed() {
        BrowserSession browser = new BrowserSession();
        String url = reauthMobile.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of());
        String code = browser.loginForCode(url, RealmFixture.USER, RealmFixture.PASSWORD);
        HttpResult tokens = reauthMobile.exchangeCode(code, RealmFixture.REDIRECT_URI);
        assertThat(tokens.status()).as(tokens.toString()).isEqualTo(200);

        server.setClockAhead(Duration.ofSeconds(REAUTH + 1));

        assertThat(browser.authorize(reauthMobile.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of()))
                .showedLoginForm()).isTrue();
        assertThat(browser.authorize(outside.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of()))
                .showedLoginForm()).isFalse();
    }

    @Test
    void silentSsoStillWorksWithinReauthMaxAge() {
        BrowserSession browser = new BrowserSession();
        browser.loginForCode(outside.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of()),
                RealmFixture.USER, RealmFixture.PASSWORD);

        BrowserSession.Outcome outcome = browser.authorize(
                reauthMobile.authorizationUrl(RealmFixture.REDIRECT_URI, "openid", Map.of()));

        assertThat(outcome.showedLoginForm()).isFalse();
        assertThat(outcome.queryParameter("code")).isNotNull();
    }

    @Test
    void offlineAccessIsRefusedWithAClearOAuthErrorWhereTheTierForbidsIt() {
        HttpResult password = mobile.passwordGrant(RealmFixture.USER, RealmFixture.PASSWORD, "openid offline_access");
        assertThat(password.status()).isEqualTo(400);
        assertThat(password.json().get("error").asText()).isEqualTo("invalid_scope");
        assertThat(password.json().get("error_description").asText()).contains("offline_access").contains("high");

        BrowserSession.Outcome authorization = new BrowserSession().authorize(mobile.authorizationUrl(
                RealmFixture.REDIRECT_URI, "openid offline_access", Map.of()));
        assertThat(authorization.showedLoginForm()).isFalse();
        assertThat(authorization.queryParameter("error")).isEqualTo("invalid_scope");
    }

    @Test
    void clientOutsideEveryTierMayStillGetOfflineTokens() {
        HttpResult password = outside.passwordGrant(RealmFixture.USER, RealmFixture.PASSWORD, "openid offline_access");

        assertThat(password.status()).as(password.toString()).isEqualTo(200);
        assertThat(Jwt.claims(password.json().get("refresh_token").asText()).get("typ").asText()).isEqualTo("Offline");
    }

    @Test
    void aClientAskingForALooserMaxAgeThanItsTierIsRefused() {
        BrowserSession.Outcome authorization = new BrowserSession().authorize(mobile.authorizationUrl(
                RealmFixture.REDIRECT_URI, "openid", Map.of("max_age", "100000")));

        assertThat(authorization.queryParameter("error")).isEqualTo("invalid_request");
        assertThat(authorization.queryParameter("error_description")).contains("max_age").contains("reauth-max-age");
    }

    private static JsonNode passwordLogin(OidcClient client, String scope) {
        HttpResult result = client.passwordGrant(RealmFixture.USER, RealmFixture.PASSWORD, scope);
        assertThat(result.status()).as("login to %s: %s", client.clientId(), result).isEqualTo(200);
        return result.json();
    }
}
