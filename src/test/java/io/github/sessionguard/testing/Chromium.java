package io.github.sessionguard.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the machine's Chromium and its driver for the admin console test (Debian's {@code chromium} and
 * {@code chromium-driver}), and installs them with apt-get where they are missing and this JVM may (root, apt-get
 * present). Selenium is only ever pointed at these binaries: its own manager, which downloads browsers, has no network
 * to reach here. Where neither is possible the test fails with the command that would install them.
 */
public final class Chromium {

    private static final List<String> BROWSER_NAMES = List.of("chromium", "chromium-browser");
    private static final List<String> DRIVER_NAMES = List.of("chromedriver");
    private static final String INSTALL_COMMAND =
            "apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver";
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);

    private final Path browser;
    private final Path driver;

    private Chromium(Path browser, Path driver) {
        this.browser = browser;
        this.driver = driver;
    }

    public Path browser() {
        return browser;
    }

    public Path driver() {
        return driver;
    }

    /**
     * The browser and driver at {@code -Dsessionguard.chromium} and {@code -Dsessionguard.chromedriver}, else in
     * /usr/bin or on the PATH; installed first where missing. One install per JVM at most: apt holds a lock anyway.
     */
    public static synchronized Chromium findOrInstall(Path logDirectory) {
        Optional<Chromium> found = find();
        if (found.isPresent()) {
            return found.get();
        }
        String missing = missingDescription();
        if (!isRoot() || executable("apt-get").isEmpty()) {
            throw new IllegalStateException(missing + ". The admin console test drives Chromium headless; install it"
                    + " as root with: " + INSTALL_COMMAND + " (or point -Dsessionguard.chromium and"
                    + " -Dsessionguard.chromedriver at a Chromium and its matching chromedriver)");
        }
        Path log = logDirectory.resolve("chromium-install.log");
        install(log, missing);
        return find().orElseThrow(() -> new IllegalStateException("apt-get installed chromium and chromium-driver"
                + " but still " + missingDescription().toLowerCase() + "; see " + log));
    }

    private static Optional<Chromium> find() {
        Optional<Path> browser = configuredOr("sessionguard.chromium", BROWSER_NAMES);
        Optional<Path> driver = configuredOr("sessionguard.chromedriver", DRIVER_NAMES);
        return browser.isPresent() && driver.isPresent()
                ? Optional.of(new Chromium(browser.get(), driver.get())) : Optional.empty();
    }

    private static String missingDescription() {
        boolean noBrowser = configuredOr("sessionguard.chromium", BROWSER_NAMES).isEmpty();
        boolean noDriver = configuredOr("sessionguard.chromedriver", DRIVER_NAMES).isEmpty();
        String what = noBrowser && noDriver ? "Neither chromium nor chromedriver"
                : noBrowser ? "No chromium" : "No chromedriver";
        return what + " was found (looked in -Dsessionguard.chromium/-Dsessionguard.chromedriver, /usr/bin and the"
                + " PATH)";
    }

    private static Optional<Path> configuredOr(String property, List<String> names) {
        String configured = TestSettings.get(property, null);
        if (configured != null) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        return names.stream().map(Chromium::executable).flatMap(Optional::stream).findFirst();
    }

    private static Optional<Path> executable(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of("/usr/bin"), Stream.of(path.split(File.pathSeparator)))
                .filter(directory -> !directory.isBlank())
                .map(directory -> Path.of(directory, name))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static boolean isRoot() {
        // The JDK has no portable uid; the owner of /proc/self is the process's user on Linux.
        try {
            return Files.getOwner(Path.of("/proc/self")).getName().equals("root");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void install(Path log, String missing) {
        System.out.println(missing + "; installing Debian's chromium and chromium-driver with apt-get (log: " + log
                + ")");
        try {
            Files.createDirectories(log.getParent());
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not prepare " + log, e);
        }
        long end = System.nanoTime() + INSTALL_TIMEOUT.toNanos();
        apt(List.of("apt-get", "update"), log, end);
        apt(List.of("apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver"), log, end);
    }

    private static void apt(List<String> command, Path log, long deadlineNanos) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        try {
            Process process = builder.start();
            long left = Math.max(0, deadlineNanos - System.nanoTime());
            if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("'" + String.join(" ", command) + "' did not finish within "
                        + INSTALL_TIMEOUT.toMinutes() + " min; see " + log + ". Install by hand: " + INSTALL_COMMAND);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("'" + String.join(" ", command) + "' failed with exit code "
                        + process.exitValue() + "; see " + log + ". Install by hand: " + INSTALL_COMMAND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while installing Chromium", e);
        }
    }
}
