package io.github.sessionguard.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives integration tests the one Keycloak server of this test run: started on first use, shared by every test
 * class, and stopped when the run ends (JUnit closes root-store resources), also when tests fail.
 * {@code -Dsessionguard.it.server=testcontainers} runs the same tests against a container instead.
 */
public final class KeycloakServerExtension implements ParameterResolver, AfterAllCallback {

    /**
     * The expiry scan's batch size on the shared server: not the default, so that ExpiryScanIT sees the option reach
     * the scan.
     */
    public static final int SCAN_BATCH_SIZE = 2_000;
    private static final List<String> SHARED_SERVER_OPTIONS = List.of(
            "--spi-session-guard-expiry-scan--default--batch-size=" + SCAN_BATCH_SIZE);
    /**
     * Keycloak's SSF transmitter, on the PostgreSQL server only: the whole suite runs there with the feature on (and
     * off in every realm but SharedSignalsIT's), the H2 server's tests without it. Pushes to the tests' plain-HTTP
     * loopback receivers are allowed, and its outbox is drained every second instead of every 30.
     */
    public static final List<String> SHARED_SIGNALS_OPTIONS = List.of("--features=ssf",
            "--spi-ssf-transmitter--default--allow-insecure-push-targets=true",
            "--spi-ssf-transmitter--default--outbox-drainer-interval=1s");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KeycloakServer.class || type == AdminApi.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        KeycloakServer server = server(context);
        return parameter.getParameter().getType() == AdminApi.class ? new AdminApi(server) : server;
    }

    /** A class that moved the server's clock leaves it as it found it, for the classes after it. */
    @Override
    public void afterAll(ExtensionContext context) {
        RunningServer running = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .get(RunningServer.class, RunningServer.class);
        if (running != null) {
            running.server().setClockAhead(Duration.ZERO);
        }
    }

    /** The shared server, started on first use: for other extensions of the run, such as {@link TestRealm}. */
    public static KeycloakServer server(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(RunningServer.class, key -> new RunningServer(startServer()), RunningServer.class)
                .server();
    }

    private static KeycloakServer startServer() {
        String kind = TestSettings.get("sessionguard.it.server", "distribution");
        List<String> options = new ArrayList<>(SHARED_SERVER_OPTIONS);
        if (sharedSignalsOn()) {
            options.addAll(SHARED_SIGNALS_OPTIONS);
        }
        return switch (kind) {
            case "distribution" -> DistributionKeycloakServer.start(options);
            case "testcontainers" -> TestcontainersKeycloakServer.start(options);
            default -> throw new IllegalStateException("Unknown sessionguard.it.server '" + kind
                    + "': use 'distribution' or 'testcontainers'");
        };
    }

    /** Whether the shared server runs Keycloak's SSF transmitter: on PostgreSQL, not on H2. */
    public static boolean sharedSignalsOn() {
        return TestSettings.get("sessionguard.it.db", "h2").equals("postgres");
    }

    private record RunningServer(KeycloakServer server) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            server.close();
        }
    }
}
