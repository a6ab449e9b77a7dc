package io.github.sessionguard.testing;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A {@link PostgresServer} in a Docker container: asked for with {@code -Dsessionguard.it.postgres=docker}, or the
 * last resort where neither the machine's PostgreSQL nor the embedded binaries can run. Its port is bound to a fixed
 * loopback port chosen up front, so that a restart (of the same container, data kept) comes back where the Keycloak
 * nodes expect it.
 */
final class ContainerPostgresServer implements PostgresServer {

    private static final DockerImageName IMAGE = DockerImageName.parse("postgres:15-alpine");

    private final GenericContainer<?> container;
    private final int port;

    private ContainerPostgresServer(GenericContainer<?> container, int port) {
        this.container = container;
        this.port = port;
    }

    /** {@code -Dsessionguard.it.postgres=docker}: PostgreSQL from Docker, whatever the machine has. */
    static boolean requested() {
        return "docker".equalsIgnoreCase(TestSettings.get("sessionguard.it.postgres", ""));
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError noDocker) {
            return false;
        }
    }

    static ContainerPostgresServer start(List<String> settings) {
        int port = FreePorts.next();
        List<String> command = new ArrayList<>(List.of("postgres"));
        settings.forEach(setting -> command.addAll(List.of("-c", setting)));
        GenericContainer<?> container = new GenericContainer<>(IMAGE)
                .withEnv("POSTGRES_PASSWORD", "postgres")
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withExposedPorts(5432)
                .withCommand(command.toArray(String[]::new))
                .withCreateContainerCmdModifier(create -> create.getHostConfig().withPortBindings(new PortBinding(
                        Ports.Binding.bindIpAndPort("127.0.0.1", port), ExposedPort.tcp(5432))))
                // The image's entrypoint starts PostgreSQL once for initialisation, then for good.
                .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
        container.start();
        return new ContainerPostgresServer(container, port);
    }

    @Override
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void restart() {
        // The image stops PostgreSQL with SIGINT, its fast shutdown: open connections are cut, as with pg_ctl -m fast.
        DockerClientFactory.instance().client().restartContainerCmd(container.getContainerId()).withTimeout(30)
                .exec();
        Deadline.await(Duration.ofSeconds(60), "the PostgreSQL container accepting connections again",
                this::acceptsConnections);
    }

    private boolean acceptsConnections() {
        try (Connection ignored = DriverManager.getConnection("jdbc:postgresql://" + hostAndPort() + "/postgres",
                "postgres", "postgres")) {
            return true;
        } catch (SQLException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        container.stop();
    }
}
