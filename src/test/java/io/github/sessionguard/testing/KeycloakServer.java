package io.github.sessionguard.testing;

/** A running Keycloak with the freshly built provider installed, as the integration tests see it: URLs over HTTP. */
public interface KeycloakServer extends AutoCloseable {

    /** Base URL of the server, without a trailing slash, for example {@code http://127.0.0.1:41234}. */
    String baseUrl();

    /** Base URL of the management interface (health, metrics). */
    String managementUrl();

    default String realmUrl(String realm) {
        return baseUrl() + "/realms/" + realm;
    }

    @Override
    void close();
}
