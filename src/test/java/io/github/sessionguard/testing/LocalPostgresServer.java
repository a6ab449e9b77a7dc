package io.github.sessionguard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A {@link PostgresServer} from the machine's binaries ({@code /usr/lib/postgresql/<version>/bin}): a data folder
 * of its own (see {@link #dataFolder}), a free loopback port, trust authentication. Run as the {@code postgres} user when the
 * tests run as root, since PostgreSQL refuses to run as root. Stopped (and its folder removed) on close.
 */
final class LocalPostgresServer implements PostgresServer {

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

    /** The newest server binaries on this machine, if any. */
    static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Path::compareTo);
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
            throw new UncheckedIOException(e);
        }
        LocalPostgresServer server = new LocalPostgresServer(bin, dataDir, port, settings);
        server.asPostgres(List.of(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8"));
        server.pgCtl("start", "-w", "-o", server.serverOptions());
        return server;
    }

    /**
     * Under the work directory, when the tests' own user runs PostgreSQL. As root, PostgreSQL runs as the
     * {@code postgres} user, who must reach its data folder through every parent: a clone inside a private folder
     * (0700, as {@code mktemp -d} makes it, or {@code /root}) is out of its reach, so the folder is made in the
     * system's temporary directory instead, and removed on close.
     */
    private static Path dataFolder(int port) throws IOException {
        if (!runningAsRoot()) {
            Path dataDir = Path.of(TestSettings.require("sessionguard.work.dir")).resolve("postgres-" + port);
            Files.createDirectories(dataDir);
            return dataDir;
        }
        Path dataDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")),
                "session-guard-postgres-" + port + "-");
        Commands.run(List.of("chown", "postgres:postgres", dataDir.toString()));
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

    private void pgCtl(String... arguments) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", dataDir.toString(),
                "-l", dataDir.resolve("server.log").toString()));
        command.addAll(List.of(arguments));
        asPostgres(command);
    }

    private void asPostgres(List<String> command) {
        List<String> full = new ArrayList<>();
        if (runningAsRoot()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Commands.run(full);
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
