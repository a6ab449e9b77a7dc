package io.github.sessionguard.tier;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What governs one client's sessions: every {@code session-tier} executor whose policy selects it, and the policy
 * they add up to, the strictest value of each setting.
 *
 * @param sources    every executor that applies, in the realm's policy order; empty for a client outside every tier
 * @param notes      what could not be decided outside a live request (a condition that needs one)
 * @param unreadable the configurations that apply but can't be read: while there is one, the tier is unknown
 */
public record EffectiveTier(List<TierSource> sources, List<String> notes, List<UnreadableTier> unreadable) {

    public static final EffectiveTier NONE = new EffectiveTier(List.of(), List.of());

    public EffectiveTier(List<TierSource> sources, List<String> notes) {
        this(sources, notes, List.of());
    }

    public Optional<TierSource> primarySource() {
        return sources.stream().findFirst();
    }

    public Optional<TierPolicy> policy() {
        return applied().map(ConfiguredTier::policy);
    }

    /**
     * The one tier that is enforced: named after the strictest tier among the sources (the one a refusal names), with
     * the strictest value of every setting across all of them.
     *
     * @throws UnreadableTierException when a configuration that applies can't be read: the tier is then unknown, and
     *                                 a caller that needs it fails closed (the request is answered with the error)
     */
    public Optional<ConfiguredTier> applied() {
        if (!unreadable.isEmpty()) {
            throw new UnreadableTierException(unreadable.get(0));
        }
        return sources.stream().map(TierSource::configuredTier).reduce(ConfiguredTier::strictestWith);
    }

    /**
     * The policy for a decision made outside the client's own request (a session's death, a notice), where there is
     * no request to refuse: a configuration that can't be read counts as tier high, the strictest preset.
     */
    public Optional<TierPolicy> policyFailingClosed() {
        return unreadable.isEmpty() ? policy() : Optional.of(Tier.HIGH.preset());
    }

    /** The tier's name, or null outside every tier and while a configuration that applies can't be read. */
    public String tierIdOrNull() {
        return unreadable.isEmpty() ? applied().map(configured -> configured.tier().id()).orElse(null) : null;
    }

    /** This one with the executors that were seen to apply and whose configuration is not among the sources yet. */
    EffectiveTier including(List<TierSource> seen) {
        List<TierSource> all = new ArrayList<>(sources);
        for (TierSource source : seen) {
            if (all.stream().noneMatch(known -> known.configuredTier().equals(source.configuredTier()))) {
                all.add(source);
            }
        }
        return all.size() == sources.size() ? this : new EffectiveTier(List.copyOf(all), notes, unreadable);
    }
}
