package io.github.sessionguard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.TestRealm;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /admin/realms/{realm}/session-guard/clients/{clientId}: the presets, their sources, and the realm's caps. */
@KeycloakIntegrationTest
class EffectivePolicyIT {

    /** Keycloak stores a path as a back-channel logout URL and resolves it against the client's Root URL. */
    private static final String SCHEMELESS_URL = "/rp/logout";
    private static final String FTP_URL = "ftp://rp.example/logout";

    private static final String REALM = "effective-policy";

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, fixture -> {
        fixture.publicClient("mobile-high");
        fixture.publicClient("app-medium");
        fixture.confidentialClient("web-low", "web-secret");
        fixture.confidentialClient("portal-low", "portal-secret")
                .put("frontchannelLogout", true).putObject("attributes")
                .put("backchannel.logout.url", "http://127.0.0.1:9/logout");
        fixture.confidentialClient("web-outside", "outside-secret");
        fixture.confidentialClient("web-schemeless", "schemeless-secret").putObject("attributes")
                .put("backchannel.logout.url", SCHEMELESS_URL);
        fixture.confidentialClient("outside-ftp", "ftp-secret").putObject("attributes")
                .put("backchannel.logout.url", FTP_URL);
        fixture.confidentialClient("web-rooted", "rooted-secret").put("rootUrl", "http://127.0.0.1:9")
                .putObject("attributes").put("backchannel.logout.url", SCHEMELESS_URL);
        fixture.publicClient("by-access-type");
        fixture.confidentialClient("by-role", "role-secret");
        fixture.publicClient("one-device-high");
        fixture.tierProfile("high-profile", Map.of("tier", "high"))
                .tierProfile("one-device-profile", Map.of("tier", "high", "max-sessions", 1,
                        "session-limit-action", "refuse-new"))
                .policyForClients("one-device-policy", "one-device-profile", "one-device-high")
                .tierProfile("medium-profile", Map.of("tier", "medium"))
                .tierProfile("low-profile", Map.of("tier", "low"))
                .policyForClients("mobile-policy", "high-profile", "mobile-high")
                .policyForClients("app-policy", "medium-profile", "app-medium")
                .policyForClients("web-policy", "low-profile", "web-low", "portal-low", "web-schemeless",
                        "web-rooted")
                // A realm SSO idle of 20 minutes caps the low tier's 60.
                .set("ssoSessionIdleTimeout", 1200);
    });

    private final AdminApi admin = realm.admin();

    @Test
    void highTierPresetWithItsSource() {
        JsonNode policy = effectivePolicy("mobile-high");

        assertThat(policy.get("tier").asText()).isEqualTo("high");
        assertThat(policy.get("clientPolicy").asText()).isEqualTo("mobile-policy");
        assertThat(policy.get("clientProfile").asText()).isEqualTo("high-profile");
        assertPreset(policy, 900, 43_200, 300, 43_200, true, 0, true, true, true, false, true, true, true, false);
    }

    @Test
    void mediumTierPreset() {
        assertPreset(effectivePolicy("app-medium"), 1_800, 86_400, 300, 86_400, true, 10, true, true, true, false, true,
                true, true, false);
    }

    @Test
    void lowTierPresetAndTheRealmIdleThatCapsIt() {
        JsonNode policy = effectivePolicy("web-low");

        assertThat(policy.get("tier").asText()).isEqualTo("low");
        assertPreset(policy, 3_600, 2_592_000, 600, 2_592_000, false, 30, true, true, false, true, true, true, false,
                false);
        assertThat(warnings(policy))
                .anySatisfy(w -> assertThat(w).contains("SSO Session Idle").contains("1200").contains("3600"))
                .anySatisfy(w -> assertThat(w).contains("without a back-channel logout URL"));
    }

    /** Issue 22: the session limit's keys, as the tier's preset leaves them and as a profile overrides them. */
    @Test
    void aSessionLimitIsShownWithItsAction() {
        JsonNode policy = effectivePolicy("one-device-high");

        assertThat(policy.get("maxSessions").asLong()).isEqualTo(1);
        assertThat(policy.get("sessionLimitAction").asText()).isEqualTo("refuse-new");
        assertThat(policy.get("idleTimeout").asLong()).as("the rest is high's preset").isEqualTo(900);
    }

    @Test
    void frontChannelLogoutIsNamedAsSkippingBackChannel() {
        assertThat(warnings(effectivePolicy("portal-low")))
                .anySatisfy(w -> assertThat(w).contains("Front-channel logout is on"))
                .noneSatisfy(w -> assertThat(w).contains("without a back-channel logout URL"));
    }

    /**
     * Issue 19, problem 7: a URL without a scheme (a path, with no Root URL to put it on) or with another scheme than
     * http(s) is never sent to; in a tier or outside every tier, the endpoint says so. A path on an http Root URL is
     * sent to, and not named.
     */
    @Test
    void aBackChannelUrlThatIsNeverSentToIsAWarning() {
        assertThat(warnings(effectivePolicy("web-schemeless")))
                .anySatisfy(w -> assertThat(w).contains(SCHEMELESS_URL).contains("not an absolute http(s) URL"))
                .noneSatisfy(w -> assertThat(w).contains("without a back-channel logout URL"));
        assertThat(warnings(effectivePolicy("outside-ftp")))
                .anySatisfy(w -> assertThat(w).contains(FTP_URL).contains("not an absolute http(s) URL"));
        assertThat(warnings(effectivePolicy("web-rooted")))
                .noneSatisfy(w -> assertThat(w).contains("not an absolute http(s) URL"))
                .noneSatisfy(w -> assertThat(w).contains("without a back-channel logout URL"));
    }

    @Test
    void clientOutsideEveryTierHasNoTier() {
        JsonNode policy = effectivePolicy("web-outside");

        assertThat(policy.get("tier").isNull()).isTrue();
        assertThat(policy.get("idleTimeout").isNull()).isTrue();
        assertThat(policy.get("clientPolicy").isNull()).isTrue();
        assertThat(policy.get("requirePkce").isNull()).isTrue();
        assertThat(policy.get("reauthAfterIdle").isNull()).isTrue();
    }

    @Test
    void unknownClientIs404() {
        assertThat(admin.get(path("no-such-client")).status()).isEqualTo(404);
    }

    @Test
    void anonymousCallerIsRejected() {
        assertThat(new Http().get(admin.url(path("mobile-high")), null).status()).isEqualTo(401);
    }

    @Test
    void userWithoutClientViewPermissionIsForbidden() {
        HttpResult created = admin.post("/admin/realms/" + REALM + "/users", Json.object()
                .put("username", "bob").put("enabled", true).put("email", "bob@example.org")
                .put("firstName", "Bob").put("lastName", "Example"));
        assertThat(created.status()).isIn(201, 409);
        String bobId = admin.getJson("/admin/realms/" + REALM + "/users?username=bob&exact=true").get(0)
                .get("id").asText();
        admin.put("/admin/realms/" + REALM + "/users/" + bobId + "/reset-password", Json.object()
                .put("type", "password").put("value", "bob-password").put("temporary", false));

        // A client outside every tier: the password grant is refused in high (refuse-legacy-grants).
        String bobToken = admin.tokenFor(REALM, "by-access-type", "bob", "bob-password");

        assertThat(new Http().get(admin.url(path("mobile-high")), bobToken).status()).isEqualTo(403);
    }

    @Test
    void keycloaksOwnConditionsSelectClientsToo() {
        RealmFixture realm = new RealmFixture("effective-policy-conditions");
        realm.publicClient("phone");
        realm.confidentialClient("server", "server-secret");
        realm.tierProfile("high-profile", Map.of("tier", "high"))
                .policy("public-clients", "high-profile", "client-access-type",
                        Json.object().set("type", Json.array().add("public")));
        realm.create(admin);
        try {
            assertThat(admin.getJson("/admin/realms/effective-policy-conditions/session-guard/clients/phone")
                    .get("tier").asText()).isEqualTo("high");
            assertThat(admin.getJson("/admin/realms/effective-policy-conditions/session-guard/clients/server")
                    .get("tier").isNull()).isTrue();
        } finally {
            admin.deleteRealm("effective-policy-conditions");
        }
    }

    /** What applies per grant, and a warning where a condition decides by grant (Keycloak's grant-type). */
    @Test
    void theTierIsReportedPerGrant() {
        RealmFixture realm = new RealmFixture("effective-policy-grants");
        realm.publicClient("by-role");
        realm.publicClient("by-grant");
        realm.json().putObject("roles").putObject("client").putArray("by-role").addObject().put("name", "tiered");
        realm.tierProfile("high-profile", Map.of("tier", "high"))
                .policy("by-role", "high-profile", "client-roles", Json.parse("{\"roles\": [\"tiered\"]}"))
                .policy("password-only", "high-profile", "grant-type",
                        Json.parse("{\"grant_types\": [\"password\"]}"));
        realm.create(admin);
        try {
            JsonNode byRole = admin.getJson("/admin/realms/effective-policy-grants/session-guard/clients/by-role");
            for (String grant : java.util.List.of("authorization_code", "refresh_token", "password",
                    "client_credentials", "urn:ietf:params:oauth:grant-type:device_code",
                    "urn:ietf:params:oauth:grant-type:token-exchange", "authorization_request")) {
                assertThat(byRole.get("grants").get(grant).asText()).as(grant).isEqualTo("high");
            }

            JsonNode byGrant = admin.getJson("/admin/realms/effective-policy-grants/session-guard/clients/by-grant");
            assertThat(byGrant.get("grants").get("password").asText()).isEqualTo("high");
            assertThat(byGrant.get("grants").get("refresh_token").isNull()).isTrue();
            assertThat(warnings(byGrant)).anySatisfy(warning -> assertThat(warning)
                    .contains("For grant 'password'").contains("decides by grant"));
        } finally {
            admin.deleteRealm("effective-policy-grants");
        }
    }

    private JsonNode effectivePolicy(String clientId) {
        return admin.getJson(path(clientId));
    }

    private static String path(String clientId) {
        return "/admin/realms/" + REALM + "/session-guard/clients/" + clientId;
    }

    private static java.util.List<String> warnings(JsonNode policy) {
        java.util.List<String> warnings = new java.util.ArrayList<>();
        policy.get("warnings").forEach(w -> warnings.add(w.asText()));
        return warnings;
    }

    private static void assertPreset(JsonNode policy, long idle, long max, long access, long reauth,
            boolean reauthAfterIdle, long grace, boolean rotate, boolean revokeOnReuse, boolean revocationEnds,
            boolean offline, boolean credentialChange, boolean pkce, boolean legacyRefused, boolean dpop) {
        assertThat(policy.get("idleTimeout").asLong()).isEqualTo(idle);
        assertThat(policy.get("maxLifespan").asLong()).isEqualTo(max);
        assertThat(policy.get("accessTokenLifespan").asLong()).isEqualTo(access);
        assertThat(policy.get("reauthMaxAge").asLong()).isEqualTo(reauth);
        assertThat(policy.get("reauthAfterIdle").isBoolean()).as("reauthAfterIdle is shown").isTrue();
        assertThat(policy.get("reauthAfterIdle").asBoolean()).isEqualTo(reauthAfterIdle);
        assertThat(policy.get("reuseGracePeriod").asLong()).isEqualTo(grace);
        assertThat(policy.get("rotateRefreshTokens").asBoolean()).isEqualTo(rotate);
        assertThat(policy.get("revokeSessionOnReuse").asBoolean()).isEqualTo(revokeOnReuse);
        assertThat(policy.get("revocationEndsSession").asBoolean()).isEqualTo(revocationEnds);
        assertThat(policy.get("offlineAccess").asBoolean()).isEqualTo(offline);
        assertThat(policy.get("endSessionsOnCredentialChange").asBoolean()).isEqualTo(credentialChange);
        assertThat(policy.get("requirePkce").asBoolean()).isEqualTo(pkce);
        assertThat(policy.get("refuseLegacyGrants").asBoolean()).isEqualTo(legacyRefused);
        assertThat(policy.get("requireDpop").asBoolean()).isEqualTo(dpop);
        assertThat(policy.get("maxSessions").asLong()).as("no tier limits sessions by its preset").isZero();
        assertThat(policy.get("sessionLimitAction").asText()).isEqualTo("end-oldest");
    }
}
