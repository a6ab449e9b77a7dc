package io.github.sessionguard.logout.delivery;

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
        int concurrencyPerClient,
        Duration connectTimeout,
        Duration readTimeout,
        Duration bodyTimeout,
        int maxAttempts,
        Duration maxAge,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration pollInterval,
        Duration claimLease,
        int batchSize,
        Duration retention,
        Duration stopGrace) {

    static OutboxSettings from(Config.Scope config) {
        return new OutboxSettings(
                config.getBoolean("enabled", true),
                Math.max(1, config.getInt("concurrency", 32)),
                Math.max(1, config.getInt("concurrency-per-client", 16)),
                Duration.ofMillis(config.getLong("connect-timeout-ms", 2_000L)),
                Duration.ofMillis(config.getLong("read-timeout-ms", 15_000L)),
                Duration.ofMillis(config.getLong("body-timeout-ms", 2_000L)),
                config.getInt("max-attempts", 0),
                Duration.ofSeconds(config.getLong("max-age-seconds", 86_400L)),
                Duration.ofMillis(config.getLong("initial-backoff-ms", 1_000L)),
                Duration.ofMillis(config.getLong("max-backoff-ms", 1_800_000L)),
                Duration.ofMillis(config.getLong("poll-interval-ms", 1_000L)),
                Duration.ofMillis(config.getLong("claim-lease-ms", 60_000L)),
                Math.max(1, config.getInt("batch-size", 200)),
                Duration.ofSeconds(config.getLong("retention-seconds", 7 * 86_400L)),
                Duration.ofMillis(config.getLong("stop-grace-ms", 10_000L)));
    }

    /** The longest one try can take: connect, the answer's headers, its body excerpt. */
    Duration longestTry() {
        return connectTimeout.plus(readTimeout).plus(bodyTimeout);
    }

    /** A claim outlives the longest try by a margin, whatever {@code claim-lease-ms} says. */
    Duration lease() {
        Duration floor = longestTry().plusSeconds(30);
        return claimLease.compareTo(floor) > 0 ? claimLease : floor;
    }

    /** Finished rows are looked for once a minute, or as often as they may age out, if that is sooner. */
    Duration housekeepingInterval() {
        Duration minute = Duration.ofMinutes(1);
        return retention.compareTo(minute) < 0 ? retention : minute;
    }

    static List<ProviderConfigProperty> metadata() {
        return ProviderConfigurationBuilder.create()
                .property().name("enabled").type("boolean").defaultValue(true)
                .helpText("Deliver OIDC back-channel logouts through the durable outbox. Off: Keycloak's own"
                        + " synchronous sender.").add()
                .property().name("concurrency").type("int").defaultValue(32)
                .helpText("Deliveries in flight at once, per node.").add()
                .property().name("concurrency-per-client").type("int").defaultValue(16)
                .helpText("Deliveries in flight at once to one client (relying party), per node, while other clients"
                        + " have deliveries due, so that one hanging endpoint can't take every slot. A client alone"
                        + " may use three quarters of the node's concurrency.").add()
                .property().name("connect-timeout-ms").type("long").defaultValue(2_000L)
                .helpText("Connect timeout of one delivery.").add()
                .property().name("read-timeout-ms").type("long").defaultValue(15_000L)
                .helpText("Time a relying party has to answer one delivery (status and headers).").add()
                .property().name("body-timeout-ms").type("long").defaultValue(2_000L)
                .helpText("Time for the first 256 bytes of an answer's body, kept for the error message.").add()
                .property().name("max-attempts").type("int").defaultValue(0)
                .helpText("Tries before a notification is moved to failed; 0: no limit but max-age.").add()
                .property().name("max-age-seconds").type("long").defaultValue(86_400L)
                .helpText("How long after the death a failing notification is still tried; the last try falls on"
                        + " this mark.").add()
                .property().name("initial-backoff-ms").type("long").defaultValue(1_000L)
                .helpText("Wait before the first retry; doubles with each retry, with jitter.").add()
                .property().name("max-backoff-ms").type("long").defaultValue(1_800_000L)
                .helpText("Longest wait between retries.").add()
                .property().name("poll-interval-ms").type("long").defaultValue(1_000L)
                .helpText("How often each node looks for due notifications.").add()
                .property().name("claim-lease-ms").type("long").defaultValue(60_000L)
                .helpText("How long a node owns a notification it claimed (at least the longest try plus 30 s);"
                        + " after a crash, others take it over once it runs out.").add()
                .property().name("batch-size").type("int").defaultValue(200)
                .helpText("Due notifications one query of a claim reads at most; a claim takes up to 8 per slot of a"
                        + " client's share ahead of sending them.").add()
                .property().name("retention-seconds").type("long").defaultValue(7 * 86_400L)
                .helpText("Age after which delivered and failed notifications are deleted.").add()
                .property().name("stop-grace-ms").type("long").defaultValue(10_000L)
                .helpText("How long a server stop waits for deliveries in flight.").add()
                .build();
    }
}
