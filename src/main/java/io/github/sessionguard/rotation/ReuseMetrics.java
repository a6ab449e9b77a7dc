package io.github.sessionguard.rotation;

import io.micrometer.core.instrument.Metrics;

/** Counts detected refresh-token reuses in Micrometer's global registry, which Keycloak exposes at /metrics. */
final class ReuseMetrics {

    static final String REUSES = "session_guard_refresh_token_reuse";

    private ReuseMetrics() {
    }

    static void reuseDetected(String realm, String clientId, boolean sessionRevoked) {
        Metrics.globalRegistry.counter(REUSES, "realm", realm, "client_id", clientId,
                "action", sessionRevoked ? "session_revoked" : "client_session_revoked").increment();
    }
}
