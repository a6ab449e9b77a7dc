package io.github.sessionguard.logout.expiry;

import org.keycloak.provider.Provider;

/**
 * The expiry scan has no part in a request: nothing asks for this provider. Its SPI exists for the factory, which runs
 * the scan from server start to stop, and for the scan's server options.
 */
public interface ExpiryScanProvider extends Provider {
}
