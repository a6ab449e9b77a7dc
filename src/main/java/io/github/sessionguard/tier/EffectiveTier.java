package io.github.sessionguard.tier;

import java.util.List;
import java.util.Optional;

/**
 * What governs one client's sessions: every {@code session-tier} executor whose policy selects it, and the policy
 * they add up to. Each matching executor enforces its own limits, so together they enforce the strictest of each.
 *
 * @param sources every executor that applies, in the realm's policy order; empty for a client outside every tier
 * @param notes   what could not be decided outside a live request (a condition that needs one)
 */
public record EffectiveTier(List<TierSource> sources, List<String> notes) {

    public Optional<TierSource> primarySource() {
        return sources.stream().findFirst();
    }

    public Optional<TierPolicy> policy() {
        return sources.stream().map(source -> source.configuredTier().policy()).reduce(TierPolicy::strictest);
    }
}
