package io.github.sessionguard.tier;

/** A {@code session-tier} configuration that can't be enforced; the message names the key and the rule it breaks. */
public final class InvalidTierConfigurationException extends IllegalArgumentException {

    public InvalidTierConfigurationException(String message) {
        super(message);
    }
}
