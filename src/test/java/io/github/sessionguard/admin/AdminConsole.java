package io.github.sessionguard.admin;

import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Browser;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The pages of Keycloak's own admin console (its React app) that an administrator uses to put a client into a tier
 * and to override a tier's values. Selectors are the console's {@code data-testid} attributes and ARIA roles and
 * labels, as Keycloak's own UI tests use them, and visible texts only where the console has nothing else.
 */
final class AdminConsole {

    /** A dropdown or kebab menu can close again while React re-renders the row under it; one more click helps. */
    private static final Duration MENU_RETRY = Duration.ofSeconds(20);

    private final Browser browser;
    private final String consoleUrl;

    AdminConsole(Browser browser, String serverUrl) {
        this.browser = browser;
        this.consoleUrl = serverUrl + "/admin/master/console/";
    }

    void logIn() {
        browser.open(consoleUrl);
        browser.type(By.id("username"), AdminApi.ADMIN_USER);
        browser.type(By.id("password"), AdminApi.ADMIN_PASSWORD);
        browser.click(By.id("kc-login"));
        browser.visible(By.cssSelector("[data-testid='nav-item-clients']"));
    }

    /** The console loaded anew in the realm, so that a test starts from no dialog or menu an earlier one left open. */
    void startOver(String realm) {
        browser.open(consoleUrl);
        browser.visible(By.cssSelector("[data-testid='nav-item-clients']"));
        chooseRealm(realm);
    }

    /** Manage realms → the realm: the console's realm selector, which every page after it works in. */
    void chooseRealm(String realm) {
        browser.click(By.cssSelector("[data-testid='nav-item-realms']"));
        search("Search", realm);
        browser.click(By.xpath("//table//a[normalize-space()='" + realm + "']"));
        browser.await("realm " + realm + " to be the current one",
                driver -> driver.getCurrentUrl().matches(".*#/" + realm + "($|[/?].*)"));
    }

    /** Clients → the client → its "Client scopes" tab, in the current realm. */
    void openClientScopesTab(String clientId) {
        browser.click(By.cssSelector("[data-testid='nav-item-clients']"));
        search("Search for client", clientId);
        browser.click(By.xpath("//table//a[normalize-space()='" + clientId + "']"));
        browser.click(By.cssSelector("[data-testid='clientScopesTab']"));
        browser.visible(By.cssSelector("[data-testid='table-toolbar']"));
    }

    /** "Add client scope", and tick the scope in the dialog that opens. */
    void tickInAddClientScopeDialog(String scope) {
        browser.click(By.xpath("//*[@data-testid='table-toolbar']//button[normalize-space()='Add client scope']"));
        browser.visible(By.cssSelector("[role='dialog']"));
        browser.click(By.xpath("//*[@role='dialog']//tr[.//td[normalize-space()='" + scope + "']]"
                + "//input[@type='checkbox']"));
    }

    /** The dialog's Add menu: adds the ticked scopes with the given type (Default or Optional). */
    void addTickedAs(String type) {
        chooseFromMenu(By.cssSelector("[role='dialog'] [data-testid='add-dropdown']"), type);
        browser.await("the add dialog to close",
                ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("[role='dialog']")));
    }

    /** The row's kebab → Remove → confirm. */
    void removeClientScope(String scope) {
        chooseFromMenu(By.xpath(row(scope) + "//button[@aria-label='Kebab toggle']"), "Remove");
        browser.click(By.cssSelector("[data-testid='confirm']"));
    }

    /** Filters the client's scopes by name, so that the row is on the first page whatever else the client has. */
    void searchClientScope(String scope) {
        search("Search by name", scope);
    }

    WebElement clientScopeRow(String scope) {
        return browser.visible(By.xpath(row(scope)));
    }

    boolean hasClientScopeRow(String scope) {
        return !browser.all(By.xpath(row(scope))).isEmpty();
    }

    /** Realm settings → Client policies → Profiles → the profile → its executor's form, in the current realm. */
    void openExecutor(String profile, String executor) {
        browser.click(By.cssSelector("[data-testid='nav-item-realm-settings']"));
        browser.click(By.cssSelector("[data-testid='rs-clientPolicies-tab']"));
        browser.click(By.cssSelector("[data-testid='rs-policies-clientProfiles-tab']"));
        // Keycloak's global FAPI and OAuth 2.1 profiles fill the first page.
        search("Search", profile);
        browser.click(By.xpath("//table//a[normalize-space()='" + profile + "']"));
        browser.click(By.xpath("//a[normalize-space()='" + executor + "']"));
        browser.visible(By.cssSelector("[data-testid='addExecutor-saveBtn']"));
    }

    /** Types into one of the executor's configuration fields (the console names each by its key). */
    void setExecutorField(String key, String value) {
        browser.type(By.cssSelector("[data-testid='" + key + "']"), value);
    }

    /** Brings the field back into view (saving scrolls to the Save button), so a screenshot shows value and alert. */
    void revealExecutorField(String key) {
        browser.reveal(By.cssSelector("[data-testid='" + key + "']"));
    }

    void saveExecutor() {
        browser.click(By.cssSelector("[data-testid='addExecutor-saveBtn']"));
    }

    /**
     * The text of a shown alert (the console's toasts, which stack for a few seconds) that contains the fragment;
     * times out listing the alerts that did show.
     */
    String alertContaining(String fragment) {
        By alerts = By.cssSelector("[data-testid='global-alerts'] li");
        try {
            return browser.await("an alert containing '" + fragment + "'", driver -> driver.findElements(alerts)
                    .stream().map(WebElement::getText).filter(text -> text.contains(fragment)).findFirst()
                    .orElse(null));
        } catch (TimeoutException e) {
            throw new AssertionError("No alert contained '" + fragment + "'; shown: "
                    + browser.all(alerts).stream().map(WebElement::getText).toList(), e);
        }
    }

    /** The first error alert (PatternFly's danger variant, which the console uses for failed saves). */
    String errorAlert() {
        return browser.visible(By.cssSelector("[data-testid='global-alerts'] .pf-m-danger")).getText();
    }

    private void search(String placeholder, String text) {
        By box = By.cssSelector("input[placeholder='" + placeholder + "']");
        browser.type(box, text);
        browser.visible(box).sendKeys(Keys.ENTER);
    }

    private void chooseFromMenu(By toggle, String item) {
        By menuItem = By.xpath("//*[@role='menuitem'][normalize-space()='" + item + "']");
        long end = System.nanoTime() + MENU_RETRY.toNanos();
        while (true) {
            browser.click(toggle);
            try {
                browser.click(menuItem, Duration.ofSeconds(3));
                return;
            } catch (RuntimeException menuClosedAgain) {
                if (System.nanoTime() > end) {
                    throw menuClosedAgain;
                }
            }
        }
    }

    private static String row(String scope) {
        return "//table//tr[.//td[normalize-space()='" + scope + "'] or .//a[normalize-space()='" + scope + "']]";
    }
}
