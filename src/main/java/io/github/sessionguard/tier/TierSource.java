package io.github.sessionguard.tier;

/** Where a client's tier comes from: a {@code session-tier} executor in a profile that an enabled policy applies. */
public record TierSource(String clientPolicy, String clientProfile, ConfiguredTier configuredTier) {
}
