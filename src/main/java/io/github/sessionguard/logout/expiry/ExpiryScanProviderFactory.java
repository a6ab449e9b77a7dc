package io.github.sessionguard.logout.expiry;

import org.keycloak.provider.ProviderFactory;

/** The expiry scan's server-wide side: its options, and the schedule that runs it as long as the server. */
public interface ExpiryScanProviderFactory extends ProviderFactory<ExpiryScanProvider> {
}
