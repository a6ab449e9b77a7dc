package io.github.sessionguard.rotation;

import io.micrometer.core.instrument.Metrics;

/** Counts detected refresh-token replays in Micrometer's global registry, which Keycloak exposes at /metrics. */
final class ReuseMetrics {

    static final String REPLAYS = "session_guard_refresh_token_reuse";

    private ReuseMetrics() {
    }

    static void replayDetected(String realm, String clientId, boolean sessionRevoked) {
        Metrics.globalRegistry.counter(REPLAYS, "realm", realm, "client_id", clientId,
                "action", sessionRevoked ? "session_revoked" : "client_session_revoked").increment();
    }
}
