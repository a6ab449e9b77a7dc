package io.github.sessionguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.ElementClickInterceptedException;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium driven through chromedriver, for tests of the real admin console. It only ever talks to
 * loopback (every other host name fails to resolve), keeps a fixed window so screenshots compare, and writes
 * screenshots and page sources under {@code target/screenshots}. {@link #close()} quits browser and driver.
 */
public final class Browser implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path screenshots;
    private final Path profile;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path screenshots, Path profile) {
        this.service = service;
        this.driver = driver;
        this.screenshots = screenshots;
        this.profile = profile;
    }

    /** Finds (or installs) Chromium, then starts it headless; screenshots go to {@code target/screenshots}. */
    public static Browser start() {
        Path target = Path.of(TestSettings.require("sessionguard.work.dir")).toAbsolutePath().getParent();
        Chromium chromium = Chromium.findOrInstall(target);
        Path screenshots = target.resolve("screenshots");
        Path profile;
        try {
            Files.createDirectories(screenshots);
            profile = Files.createTempDirectory(target, "chromium-profile-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + target, e);
        }
        ChromeOptions options = new ChromeOptions();
        // An explicit binary and driver: Selenium Manager would otherwise try to download Chrome for Testing.
        options.setBinary(chromium.browser().toFile());
        options.addArguments(
                "--headless=new",
                // As root, Chromium refuses to start with its sandbox; CI runs as root.
                "--no-sandbox",
                // Containers have a small /dev/shm; Chromium crashes tabs when it fills.
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1920,1080",
                "--lang=en-US",
                "--user-data-dir=" + profile,
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // Loopback only: the test server is on 127.0.0.1, nothing else is to be reached.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost");
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", "en-US,en"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromium.driver().toFile())
                .usingAnyFreePort()
                .withLogFile(target.resolve("chromedriver.log").toFile())
                .build();
        try {
            return new Browser(service, new ChromeDriver(service, options), screenshots, profile);
        } catch (RuntimeException e) {
            service.stop();
            deleteProfile(profile);
            throw new IllegalStateException("Chromium (" + chromium.browser() + ") did not start under "
                    + chromium.driver() + "; see " + target.resolve("chromedriver.log"), e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** Waits until the element is visible; fails naming what was awaited. */
    public WebElement visible(By locator) {
        return await("visible " + locator, ExpectedConditions.visibilityOfElementLocated(locator));
    }

    /** Waits until the element can be clicked, then clicks it. */
    public WebElement click(By locator) {
        return click(locator, WAIT);
    }

    /** As {@link #click(By)}, waiting at most the given time: for menus that may have closed again. */
    public WebElement click(By locator, Duration timeout) {
        return await("a click on " + locator, timeout, ignored -> {
            WebElement element = ExpectedConditions.elementToBeClickable(locator).apply(driver);
            if (element == null) {
                return null;
            }
            // Into the middle of the view first: PatternFly's tab bars and sticky headers overlay elements near edges.
            driver.executeScript("arguments[0].scrollIntoView({block: 'center', inline: 'center'});", element);
            try {
                element.click();
                return element;
            } catch (ElementClickInterceptedException coveredForAMoment) {
                // A toast sliding in or a dialog fading out; a click that was intercepted did not happen, so it is
                // tried again. (A stale element, React having re-rendered it, is tried again by the wait itself.)
                return null;
            }
        });
    }

    /** Clears the input (React keeps its own state, so by keystrokes rather than by value) and types the text. */
    public void type(By locator, String text) {
        WebElement input = visible(locator);
        input.click();
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }

    /** Scrolls the element into the middle of the view, for a screenshot that shows it. */
    public void reveal(By locator) {
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'});", visible(locator));
    }

    public <T> T await(String what, Function<WebDriver, T> condition) {
        return await(what, WAIT, condition);
    }

    public <T> T await(String what, Duration timeout, Function<WebDriver, T> condition) {
        // React replaces elements as it re-renders; a stale one is looked up again on the next poll.
        return new WebDriverWait(driver, timeout).withMessage(what).ignoring(StaleElementReferenceException.class)
                .until(condition);
    }

    public List<WebElement> all(By locator) {
        return driver.findElements(locator);
    }

    /** Saves a PNG of the viewport as {@code target/screenshots/<name>.png} and returns its path. */
    public Path screenshot(String name) {
        Path file = screenshots.resolve(name + ".png");
        try {
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save " + file, e);
        }
        return file;
    }

    /** A screenshot and the page's DOM, for the failure at hand; never throws, so the failure stays the report. */
    public void keepEvidence(String name) {
        try {
            screenshot(name);
            Files.writeString(screenshots.resolve(name + ".html"), driver.getPageSource(), StandardCharsets.UTF_8);
        } catch (RuntimeException | IOException e) {
            System.err.println("Could not keep the browser's state for " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteProfile(profile);
        }
    }

    /** Best effort: a profile left behind only takes room under target/, so it never hides the test's outcome. */
    private static void deleteProfile(Path profile) {
        try {
            DistributionKeycloakServer.deleteRecursively(profile);
        } catch (UncheckedIOException e) {
            System.err.println("Could not delete Chromium's profile " + profile + ": " + e.getMessage());
        }
    }
}
