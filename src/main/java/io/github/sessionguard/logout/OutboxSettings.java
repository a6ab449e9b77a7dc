package io.github.sessionguard.logout;

import java.time.Duration;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * The server options of the logout outbox, given as {@code --spi-session-guard-outbox--default--<key>=<value>}.
 * Durations are milliseconds unless the key says seconds.
 */
public record OutboxSettings(
        boolean enabled,
        int concurrency,
        Duration connectTimeout,
        Duration readTimeout,
        int maxAttempts,
        Duration maxAge,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration pollInterval,
        Duration claimLease,
        int batchSize) {

    static OutboxSettings from(Config.Scope config) {
        return new OutboxSettings(
                config.getBoolean("enabled", true),
                config.getInt("concurrency", 16),
                Duration.ofMillis(config.getLong("connect-timeout-ms", 2_000L)),
                Duration.ofMillis(config.getLong("read-timeout-ms", 15_000L)),
                config.getInt("max-attempts", 12),
                Duration.ofSeconds(config.getLong("max-age-seconds", 86_400L)),
                Duration.ofMillis(config.getLong("initial-backoff-ms", 1_000L)),
                Duration.ofMillis(config.getLong("max-backoff-ms", 300_000L)),
                Duration.ofMillis(config.getLong("poll-interval-ms", 1_000L)),
                Duration.ofMillis(config.getLong("claim-lease-ms", 60_000L)),
                config.getInt("batch-size", 200));
    }

    static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("enabled").type("boolean").defaultValue(true)
                .helpText("Deliver OIDC back-channel logouts through the durable outbox. Off: Keycloak's own"
                        + " synchronous sender.").add()
                .property().name("concurrency").type("int").defaultValue(16)
                .helpText("Deliveries in flight at once, per node.").add()
                .property().name("connect-timeout-ms").type("long").defaultValue(2_000L)
                .helpText("Connect timeout of one delivery.").add()
                .property().name("read-timeout-ms").type("long").defaultValue(15_000L)
                .helpText("Time a relying party has to answer one delivery.").add()
                .property().name("max-attempts").type("int").defaultValue(12)
                .helpText("Tries before a notification is moved to failed.").add()
                .property().name("max-age-seconds").type("long").defaultValue(86_400L)
                .helpText("Age after which a notification that keeps failing is moved to failed.").add()
                .property().name("initial-backoff-ms").type("long").defaultValue(1_000L)
                .helpText("Wait before the first retry; doubles with each retry, with jitter.").add()
                .property().name("max-backoff-ms").type("long").defaultValue(300_000L)
                .helpText("Longest wait between retries.").add()
                .property().name("poll-interval-ms").type("long").defaultValue(1_000L)
                .helpText("How often each node looks for due notifications.").add()
                .property().name("claim-lease-ms").type("long").defaultValue(60_000L)
                .helpText("How long a node owns the notifications it claimed; after a crash, others take"
                        + " them over once it runs out.").add()
                .property().name("batch-size").type("int").defaultValue(200)
                .helpText("Notifications claimed at most per poll.").add()
                .build();
    }
}
