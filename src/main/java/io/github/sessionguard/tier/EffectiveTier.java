package io.github.sessionguard.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What governs one client's sessions: every {@code session-tier} executor whose policy selects it, and the policy
 * they add up to, the strictest value of each setting.
 *
 * @param sources every executor that applies, in the realm's policy order; empty for a client outside every tier
 * @param notes   what could not be decided outside a live request (a condition that needs one)
 */
public record EffectiveTier(List<TierSource> sources, List<String> notes) {

    public static final EffectiveTier NONE = new EffectiveTier(List.of(), List.of());

    public Optional<TierSource> primarySource() {
        return sources.stream().findFirst();
    }

    public Optional<TierPolicy> policy() {
        return applied().map(ConfiguredTier::policy);
    }

    /**
     * The one tier that is enforced: named after the strictest tier among the sources (the one a refusal names), with
     * the strictest value of every setting across all of them.
     */
    public Optional<ConfiguredTier> applied() {
        return sources.stream().map(TierSource::configuredTier).reduce(ConfiguredTier::strictestWith);
    }

    /** This one with the executors that were seen to apply and whose configuration is not among the sources yet. */
    EffectiveTier including(List<TierSource> seen) {
        List<TierSource> all = new ArrayList<>(sources);
        for (TierSource source : seen) {
            if (all.stream().noneMatch(known -> known.configuredTier().equals(source.configuredTier()))) {
                all.add(source);
            }
        }
        return all.size() == sources.size() ? this : new EffectiveTier(List.copyOf(all), notes);
    }
}
