package io.github.sessionguard.tier;

/** One {@code session-tier} executor's configuration, understood: the tier it names and the policy it yields. */
public record ConfiguredTier(Tier tier, TierPolicy policy) {
}
