package io.github.sessionguard.logout.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The outbox's metrics in Micrometer's global registry, which Keycloak exposes at /metrics. */
final class DeliveryMetrics {

    private final Counter delivered = Metrics.globalRegistry.counter("session_guard_logout_delivered");
    private final Counter retried = Metrics.globalRegistry.counter("session_guard_logout_retried");
    private final Counter failed = Metrics.globalRegistry.counter("session_guard_logout_failed");
    private final Counter skipped = Metrics.globalRegistry.counter("session_guard_logout_skipped");
    private final Timer latency = Timer.builder("session_guard_logout_delivery_latency")
            .description("From the session's end to the relying party's 2xx").register(Metrics.globalRegistry);
    private final AtomicLong pending = new AtomicLong();

    DeliveryMetrics() {
        Gauge.builder("session_guard_logout_queue_depth", pending, AtomicLong::get)
                .description("Notifications waiting for delivery, as last counted by this node")
                .register(Metrics.globalRegistry);
    }

    void delivered(long queuedAtMillis, long nowMillis) {
        delivered.increment();
        latency.record(Duration.ofMillis(Math.max(0, nowMillis - queuedAtMillis)));
    }

    void retried() {
        retried.increment();
    }

    void failed() {
        failed.increment();
    }

    void skipped() {
        skipped.increment();
    }

    void queueDepth(long count) {
        pending.set(count);
    }
}
