package io.github.sessionguard.logout.outbox;

import org.keycloak.provider.ProviderFactory;

/** The logout outbox's server-wide side: its options, and the delivery worker that runs as long as the server. */
public interface LogoutOutboxProviderFactory extends ProviderFactory<LogoutOutboxProvider> {
}
