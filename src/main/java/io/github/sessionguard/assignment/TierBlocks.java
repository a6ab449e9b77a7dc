package io.github.sessionguard.assignment;

import java.util.List;

/**
 * One tier's building blocks in a realm, as the admin REST API shows them: the names present (null where missing),
 * whether the policy is on, which clients the scope puts in the tier, and what the last set-up created.
 */
public record TierBlocks(String tier, String clientScope, String clientProfile, String clientPolicy,
        boolean policyEnabled, List<String> clients, List<String> created) {

    /** The same blocks, listing only these of its clients. */
    public TierBlocks withClients(List<String> shown) {
        return new TierBlocks(tier, clientScope, clientProfile, clientPolicy, policyEnabled, shown, created);
    }

    enum Kind {
        CLIENT_SCOPE("clientScope"), CLIENT_PROFILE("clientProfile"), CLIENT_POLICY("clientPolicy");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    record Part(io.github.sessionguard.tier.Tier tier, Kind kind) {
    }
}
