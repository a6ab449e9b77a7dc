package io.github.sessionguard.tier;

import java.util.Comparator;

/** One {@code session-tier} executor's configuration, understood: the tier it names and the policy it yields. */
public record ConfiguredTier(Tier tier, TierPolicy policy) {

    /** Both at once: named after the stricter tier (the one a refusal names), with the strictest of every setting. */
    public ConfiguredTier strictestWith(ConfiguredTier other) {
        Tier stricter = Comparator.comparingInt(Tier::ordinal).compare(tier, other.tier) <= 0 ? tier : other.tier;
        return new ConfiguredTier(stricter, policy.strictest(other.policy));
    }
}
