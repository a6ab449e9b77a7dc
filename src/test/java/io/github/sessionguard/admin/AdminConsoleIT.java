package io.github.sessionguard.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Browser;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.TestRealm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The administrator's way into a tier, in the real admin console in a headless Chromium: a client joins tier medium
 * by getting the {@code session-tier-medium} client scope as a Default scope on its own "Client scopes" tab, and
 * leaves it by removing the scope; the effective policy over REST follows both. A bad override typed into the
 * tier's executor form is refused with an alert naming the key, and nothing is stored. Screenshots of each step
 * land in {@code target/screenshots}.
 */
@KeycloakIntegrationTest
class AdminConsoleIT {

    private static final String REALM = "admin-console";
    private static final String CLIENT = "reporting";
    private static final String TIER_SCOPE = "session-tier-medium";

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM,
            fixture -> fixture.confidentialClient(CLIENT, "reporting-secret"));

    private final AdminApi admin = realm.admin();
    private Browser browser;
    private AdminConsole console;

    /** On a failure, the browser's screen and DOM beside the screenshots: what the console showed instead. */
    @RegisterExtension
    final TestWatcher evidence = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser != null) {
                browser.keepEvidence("failed-" + context.getRequiredTestMethod().getName());
            }
        }
    };

    @BeforeAll
    void installTiersAndLogIn() {
        installTiers();
        browser = Browser.start();
        console = new AdminConsole(browser, admin.server().baseUrl());
        try {
            console.logIn();
            console.chooseRealm(REALM);
        } catch (RuntimeException | Error e) {
            browser.keepEvidence("failed-login");
            throw e;
        }
    }

    @AfterAll
    void quitBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aClientJoinsAndLeavesATierOnItsClientScopesTab() {
        assertThat(tierOf(CLIENT)).as("tier before").isNull();
        console.startOver(REALM);
        console.openClientScopesTab(CLIENT);
        browser.screenshot("01-client-scopes-tab");

        console.tickInAddClientScopeDialog(TIER_SCOPE);
        browser.screenshot("02-add-client-scope-dialog");
        console.addTickedAs("Default");
        console.alertContaining("Scope mapping updated");
        console.searchClientScope(TIER_SCOPE);
        String row = console.clientScopeRow(TIER_SCOPE).getText();
        assertThat(row).contains(TIER_SCOPE).contains("Default").contains(scopeDescription(TIER_SCOPE));
        browser.screenshot("03-tier-added");
        assertThat(tierOf(CLIENT)).as("tier after adding " + TIER_SCOPE).isEqualTo("medium");

        console.removeClientScope(TIER_SCOPE);
        console.alertContaining("Scope mapping successfully removed");
        browser.await(TIER_SCOPE + " to leave the client's list", driver -> !console.hasClientScopeRow(TIER_SCOPE));
        browser.screenshot("04-tier-removed");
        assertThat(tierOf(CLIENT)).as("tier after removing " + TIER_SCOPE).isNull();
    }

    @Test
    void aBadOverrideIsRefusedWithAnAlertNamingTheKey() {
        JsonNode profilesBefore = admin.getJson(profilesPath());
        console.startOver(REALM);
        console.openExecutor(TIER_SCOPE, "session-tier");
        console.setExecutorField("idle-timeout", "-5");
        browser.screenshot("05-executor-override");

        console.saveExecutor();
        String alert = console.errorAlert();
        console.revealExecutorField("idle-timeout");
        browser.screenshot("06-bad-override-error");

        assertThat(alert).contains("Executor not updated").contains("'idle-timeout'").contains("positive");
        assertThat(admin.getJson(profilesPath())).as("client profiles after the refused save")
                .isEqualTo(profilesBefore);
    }

    /** The tiers' scopes, profiles and policies, as an administrator gets them: Session Guard's set-up call. */
    private void installTiers() {
        HttpResult setUp = admin.post("/admin/realms/" + REALM + "/session-guard/tiers", Json.object());
        assertThat(setUp.status()).as(setUp.toString()).isEqualTo(200);
    }

    private String scopeDescription(String scope) {
        for (JsonNode candidate : admin.getJson("/admin/realms/" + REALM + "/client-scopes")) {
            if (candidate.path("name").asText().equals(scope)) {
                return candidate.path("description").asText();
            }
        }
        throw new AssertionError("No client scope " + scope + " in realm " + REALM);
    }

    /** The client's tier as the effective-policy endpoint reports it; null when it is in none. */
    private String tierOf(String clientId) {
        JsonNode tier = admin.getJson("/admin/realms/" + REALM + "/session-guard/clients/" + clientId).path("tier");
        return tier.isNull() || tier.isMissingNode() ? null : tier.asText();
    }

    private static String profilesPath() {
        return "/admin/realms/" + REALM + "/client-policies/profiles";
    }
}
