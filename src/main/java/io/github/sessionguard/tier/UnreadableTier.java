package io.github.sessionguard.tier;

/**
 * A {@code session-tier} configuration that a policy selecting the client applies, but that this version can't read
 * (stored behind Keycloak's validation, or by a version whose keys differ). It can't be enforced, and must never be
 * read as "no tier".
 *
 * @param problem what the parser found, naming the key and the rule
 */
public record UnreadableTier(String clientPolicy, String clientProfile, String problem) {

    /** What the client, the report and the effective-policy endpoint are told: which profile, and what is wrong. */
    public String describe() {
        return "Client profile '" + clientProfile + "' (client policy '" + clientPolicy + "') holds a session-tier"
                + " configuration that can't be read: " + problem;
    }
}
