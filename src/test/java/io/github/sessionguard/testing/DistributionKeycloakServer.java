package io.github.sessionguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real Keycloak distribution (org.keycloak:keycloak-quarkus-dist, unpacked by the build) run as a process on
 * loopback, with the provider jar installed. It gets its own copy of the distribution and its own H2 database under
 * the work directory, free ports, and is stopped by {@link #close()} and, should the test JVM end first, by a
 * shutdown hook.
 */
public final class DistributionKeycloakServer implements KeycloakServer {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Path home;
    private final Path log;
    private final int httpPort;
    private final int managementPort;
    private final ProcessBuilder launcher;
    /** The database this server owns and drops on close; null when it shares one it doesn't own. */
    private final TestDatabase database;
    private final Thread shutdownHook;
    private Process process;

    private DistributionKeycloakServer(Path home, Path log, int httpPort, int managementPort, ProcessBuilder launcher,
            TestDatabase database) {
        this.home = home;
        this.log = log;
        this.httpPort = httpPort;
        this.managementPort = managementPort;
        this.launcher = launcher;
        this.database = database;
        this.shutdownHook = new Thread(this::stopProcess, "stop-keycloak-" + httpPort);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Copies the distribution, installs the provider and starts Keycloak in development mode; waits until ready. */
    public static DistributionKeycloakServer start(List<String> extraOptions) {
        return start("start-dev", FreePorts.next(), null, extraOptions);
    }

    /**
     * Starts Keycloak with the given command ({@code start-dev}, or {@code start} for production mode as a cluster
     * node runs) on the given HTTP port. A database passed in belongs to the caller (a cluster shares one); with
     * none, the server gets a database of its own and drops it when closed.
     */
    public static DistributionKeycloakServer start(String mode, int httpPort, TestDatabase sharedDatabase,
            List<String> extraOptions) {
        return start(mode, httpPort, sharedDatabase, extraOptions, Map.of());
    }

    /**
     * As above, with environment variables for the server (e.g. {@code JAVA_OPTS_APPEND}). An extra
     * {@code --log-level} replaces the tests' default one (Session Guard at debug).
     */
    public static DistributionKeycloakServer start(String mode, int httpPort, TestDatabase sharedDatabase,
            List<String> extraOptions, Map<String, String> environment) {
        Path distribution = Path.of(TestSettings.require("keycloak.dist.dir"));
        Path providerJar = Path.of(TestSettings.require("sessionguard.provider.jar"));
        Path workDir = Path.of(TestSettings.require("sessionguard.work.dir"));
        if (!Files.isRegularFile(distribution.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("No Keycloak distribution at " + distribution
                    + ": run the tests through Maven ('mvn verify'), which unpacks org.keycloak:keycloak-quarkus-dist");
        }
        if (!Files.isRegularFile(providerJar)) {
            throw new IllegalStateException("No provider jar at " + providerJar + ": run 'mvn verify', which builds it");
        }
        int managementPort = FreePorts.next();
        Path home = workDir.resolve("keycloak-" + httpPort);
        copyDistribution(distribution, home);
        copy(providerJar, home.resolve("providers").resolve(providerJar.getFileName()));
        Path testProviders = testProvidersJar();
        copy(testProviders, home.resolve("providers").resolve(testProviders.getFileName()));

        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), mode,
                "--http-host=127.0.0.1",
                "--http-port=" + httpPort,
                "--http-management-port=" + managementPort,
                "--health-enabled=true",
                "--metrics-enabled=true"));
        if (extraOptions.stream().noneMatch(option -> option.startsWith("--log-level"))) {
            command.add("--log-level=INFO,io.github.sessionguard:debug");
        }
        if (mode.equals("start-dev")) {
            command.add("--hostname-strict=false");
        }
        TestDatabase database = sharedDatabase != null ? sharedDatabase
                : TestDatabase.forServer(home.getFileName().toString());
        command.addAll(database.serverOptions());
        command.addAll(KeycloakServer.withTestDefaults(extraOptions));
        Path augmented = workDir.resolve("augmented").resolve(buildKey(mode, command));
        reuseAugmentation(augmented, home);
        Path log = home.resolve("keycloak.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", AdminApi.ADMIN_USER);
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", AdminApi.ADMIN_PASSWORD);
        builder.environment().putAll(environment);
        DistributionKeycloakServer server = new DistributionKeycloakServer(home, log, httpPort, managementPort, builder,
                sharedDatabase != null ? null : database);
        server.launch();
        keepAugmentation(home, augmented);
        return server;
    }

    /** The test-only provider (see io.github.sessionguard.testprovider), which Maven packages beside the real jar. */
    static Path testProvidersJar() {
        Path jar = Path.of(TestSettings.require("sessionguard.test-providers.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("No test provider jar at " + jar + ": run 'mvn verify', which builds it");
        }
        return jar;
    }

    /**
     * Keycloak re-augments (about half a minute) whenever its build options differ from the distribution's. Servers
     * of a run with the same build options reuse the first one's result; should anything differ after all, Keycloak
     * notices and builds again, so this only ever saves time.
     */
    private static String buildKey(String mode, List<String> command) {
        String database = command.stream().filter(option -> option.startsWith("--db=")).findFirst().orElse("--db=");
        String cache = command.stream().filter(option -> option.startsWith("--cache=")).findFirst().orElse("");
        String features = command.stream().filter(option -> option.startsWith("--features=")).findFirst().orElse("");
        return (mode + database + cache + features).replaceAll("[^a-zA-Z0-9]", "-");
    }

    private static void reuseAugmentation(Path augmented, Path home) {
        if (Files.isDirectory(augmented)) {
            Path target = home.resolve("lib/quarkus");
            deleteRecursively(target);
            copyDistribution(augmented, target);
        }
    }

    private static void keepAugmentation(Path home, Path augmented) {
        if (!Files.isDirectory(augmented)) {
            copyDistribution(home.resolve("lib/quarkus"), augmented);
        }
    }

    /** Starts (or starts again, on the same database and ports) and waits until ready; stops it if that fails. */
    private void launch() {
        try {
            process = launcher.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + launcher.command().get(0), e);
        }
        try {
            awaitReady();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Kills the server JVM with SIGKILL, as a crash would: no shutdown, nothing flushed. Waits until it is gone. */
    public void crash() {
        List<ProcessHandle> all = new ArrayList<>(process.toHandle().descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : all) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("Keycloak (pid " + handle.pid() + ") did not die", e);
            }
        }
    }

    /** Whether its process runs: false after {@link #crash()} or {@link #stop()}, until {@link #restart()}. */
    public boolean running() {
        return process != null && process.isAlive();
    }

    /** The JDBC URL of the PostgreSQL database this server created for itself, for a test that reads it while the server is down. */
    public String jdbcUrl() {
        if (!(database instanceof TestDatabase.Postgres postgres)) {
            throw new IllegalStateException("This server has no PostgreSQL database of its own");
        }
        return postgres.jdbcUrl();
    }

    /** Starts the server again after {@link #crash()}, on the same database and ports. */
    public void restart() {
        launch();
    }

    /** Stops the server as an operator would (SIGTERM), and waits until it has exited; {@link #restart()} is next. */
    public void stop() {
        stopProcess();
    }

    /**
     * Runs {@code kc.sh export} of one realm on this stopped server's database and providers, as an operator backing
     * up would, and returns its exit code. The options that only a serving server takes (HTTP, health, metrics) are
     * left out; its output goes to the server's log.
     */
    public int export(String realm, Path directory, Duration timeout) {
        List<String> served = launcher.command();
        List<String> command = new ArrayList<>(List.of(served.get(0), "export", "--dir=" + directory,
                "--realm=" + realm));
        served.stream().filter(option -> option.startsWith("--db") || option.startsWith("--spi")
                || option.startsWith("--log-level")).forEach(command::add);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(launcher.environment());
        try {
            Process export = builder.start();
            try {
                if (!export.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException("kc.sh export did not finish within " + timeout.toSeconds()
                            + " s:\n" + tailOfLog());
                }
                return export.exitValue();
            } finally {
                export.descendants().forEach(ProcessHandle::destroyForcibly);
                export.destroyForcibly();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run kc.sh export", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while kc.sh export ran", e);
        }
    }

    @Override
    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    @Override
    public String managementUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public Path log() {
        return log;
    }

    /** The JVM that serves requests (kc.sh runs it as its child), for tests that must kill it outright. */
    public ProcessHandle serverJvm() {
        return process.toHandle().descendants().findFirst().orElse(process.toHandle());
    }

    @Override
    public void close() {
        stopProcess();
        keepLogAndDeleteCopy();
        try {
            if (database != null) {
                database.close();
            }
        } catch (RuntimeException e) {
            System.err.println("Could not drop the test database: " + e.getMessage());
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // The hook is running or has run; nothing left to undo.
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(managementUrl() + "/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long end = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + " while starting:\n"
                        + tailOfLog());
            }
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // Poll again below.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
            }
            sleepBriefly();
        }
        throw new IllegalStateException("Keycloak was not ready within " + START_TIMEOUT.toSeconds() + " s:\n"
                + tailOfLog());
    }

    private void stopProcess() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        children.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            for (ProcessHandle child : children) {
                child.onExit().get(30, TimeUnit.SECONDS);
            }
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // Fall through to the forcible stop.
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** The copy is 200 MB; its log is what is worth keeping, beside the other runs' logs. */
    private void keepLogAndDeleteCopy() {
        try {
            Path logs = home.getParent().resolve("logs");
            Files.createDirectories(logs);
            if (Files.exists(log)) {
                Files.copy(log, logs.resolve(home.getFileName() + ".log"), StandardCopyOption.REPLACE_EXISTING);
            }
            deleteRecursively(home);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("Could not clean up " + home + ": " + e.getMessage());
        }
    }

    public String tailOfLog() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    private static void copyDistribution(Path from, Path to) {
        deleteRecursively(to);
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy the Keycloak distribution to " + to, e);
        }
    }

    /**
     * Keeps the file's modification time: Keycloak records each provider jar's in its build and builds again (about
     * half a minute) when a jar's differs, so a fresh time per copy made every server of a run re-augment.
     */
    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not copy " + from + " to " + to, e);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + root, e);
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
