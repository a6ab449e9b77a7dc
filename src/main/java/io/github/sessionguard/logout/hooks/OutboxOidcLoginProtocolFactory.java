package io.github.sessionguard.logout.hooks;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.protocol.LoginProtocol;
import org.keycloak.protocol.oidc.OIDCLoginProtocolFactory;
import org.keycloak.protocol.oidc.OIDCProviderConfig;

/**
 * Takes Keycloak's {@code openid-connect} login protocol over, unchanged but for one thing: its back-channel logout
 * queues a notification in the outbox instead of calling the relying party inside the request. Every path on which
 * Keycloak ends a session with back-channel logout (RP-initiated logout, admin session and user sign-out, account
 * console, "sign out other devices") thereby goes through the outbox. Keycloak picks this factory over its own because
 * its {@link #order()} is higher.
 */
public final class OutboxOidcLoginProtocolFactory extends OIDCLoginProtocolFactory {

    private OIDCProviderConfig providerConfig;

    @Override
    public void init(Config.Scope config) {
        super.init(config);
        providerConfig = new OIDCProviderConfig(config);
    }

    @Override
    public LoginProtocol create(KeycloakSession session) {
        return new OutboxOidcLoginProtocol(providerConfig).setSession(session);
    }

    @Override
    public int order() {
        return super.order() + 1;
    }
}
