package io.github.sessionguard.testing;

import dasniko.testcontainers.keycloak.KeycloakContainer;
import java.io.File;
import java.util.List;

/**
 * The same server in a container, for machines with a Docker engine ({@code -Dsessionguard.it.server=testcontainers}).
 * The official image with the provider jar installed, as {@code docker/Dockerfile} builds it for production.
 */
public final class TestcontainersKeycloakServer implements KeycloakServer {

    private final KeycloakContainer container;

    private TestcontainersKeycloakServer(KeycloakContainer container) {
        this.container = container;
    }

    /** @param options server options beyond the image's, as {@code kc.sh start-dev} takes them */
    public static TestcontainersKeycloakServer start(List<String> options) {
        String version = TestSettings.require("keycloak.version");
        File providerJar = new File(TestSettings.require("sessionguard.provider.jar"));
        KeycloakContainer container = new KeycloakContainer("quay.io/keycloak/keycloak:" + version)
                .withAdminUsername(AdminApi.ADMIN_USER)
                .withAdminPassword(AdminApi.ADMIN_PASSWORD)
                .withProviderLibsFrom(List.of(providerJar, DistributionKeycloakServer.testProvidersJar().toFile()))
                .withEnabledMetrics();
        KeycloakServer.withTestDefaults(options).forEach(container::withCustomCommand);
        container.start();
        return new TestcontainersKeycloakServer(container);
    }

    @Override
    public String baseUrl() {
        String url = container.getAuthServerUrl();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String managementUrl() {
        return container.getMgmtServerUrl();
    }

    @Override
    public void close() {
        container.stop();
    }
}
