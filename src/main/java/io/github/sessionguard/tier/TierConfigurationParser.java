package io.github.sessionguard.tier;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the raw key/value configuration of a {@code session-tier} executor (as JSON gives it: numbers, strings,
 * booleans) into a {@link ConfiguredTier}: the preset of the named tier with every override applied, then checked
 * as a whole. Nothing else in the extension parses tier configuration.
 */
public final class TierConfigurationParser {

    private static final String PREFIX = "session-tier: ";
    /** One year. Longer than any sensible session, and small enough that adding it to a timestamp can't overflow. */
    static final long LONGEST_DURATION = 31_536_000;

    /**
     * Stored configurations already parsed, by their raw form, with what became of them (the tier, or why it can't be
     * read): the tier of a client is resolved on every token request, and the same few configurations would otherwise
     * be parsed again each time. Bounded, because a realm edited many times leaves old forms behind.
     */
    private static final Map<Map<String, ?>, Object> STORED = new ConcurrentHashMap<>();
    private static final int STORED_LIMIT = 1_000;

    private TierConfigurationParser() {
    }

    /**
     * A configuration Keycloak has stored. It was validated when it was saved, so it parses; one that doesn't (a
     * realm edited behind Keycloak's back, or stored by a version whose keys differ) throws, each time it is asked,
     * and must never be read as "no limits".
     */
    public static ConfiguredTier parseStored(Map<String, ?> raw) {
        Object known = STORED.get(raw);
        if (known == null) {
            try {
                known = parse(raw);
            } catch (InvalidTierConfigurationException e) {
                known = e;
            }
            if (STORED.size() >= STORED_LIMIT) {
                STORED.clear();
            }
            STORED.put(Collections.unmodifiableMap(new HashMap<>(raw)), known);
        }
        if (known instanceof InvalidTierConfigurationException unreadable) {
            throw unreadable;
        }
        return (ConfiguredTier) known;
    }

    public static ConfiguredTier parse(Map<String, ?> raw) {
        Map<TierSetting, Object> given = new EnumMap<>(TierSetting.class);
        raw.forEach((key, value) -> {
            TierSetting setting = TierSetting.fromKey(key).orElseThrow(() -> invalid(
                    "unknown key '" + key + "'; known keys are " + knownKeys()));
            if (!isUnset(value)) {
                given.put(setting, value);
            }
        });

        Tier tier = parseTier(given.get(TierSetting.TIER));
        TierPolicy policy = tier.preset();
        for (TierSetting setting : TierSetting.policyValues()) {
            Object value = given.get(setting);
            if (value != null) {
                policy = policy.with(setting, switch (setting.kind()) {
                    case DURATION, DURATION_OR_ZERO -> duration(setting, value);
                    case COUNT -> count(setting, value);
                    case CHOICE -> choice(setting, value);
                    case SWITCH -> flag(setting, value);
                    case TIER -> throw new IllegalStateException("'tier' is not a policy value");
                });
            } else if (setting == TierSetting.REAUTH_MAX_AGE) {
                // The preset re-authenticates when the absolute lifetime runs out, so an overridden max-lifespan
                // carries reauth-max-age with it unless that is overridden too.
                policy = policy.with(setting, policy.maxLifespan());
            }
        }
        checkConsistency(policy);
        return new ConfiguredTier(tier, policy);
    }

    private static Tier parseTier(Object value) {
        if (value == null) {
            throw invalid("'tier' is required; choose one of " + Tier.allIds());
        }
        String id = String.valueOf(value).trim();
        return Tier.fromId(id).orElseThrow(() -> invalid(
                "'tier' must be one of " + Tier.allIds() + "; got '" + id + "'"));
    }

    private static long duration(TierSetting setting, Object value) {
        long seconds = wholeSeconds(setting, value);
        boolean zeroAllowed = setting.kind() == TierSetting.Kind.DURATION_OR_ZERO;
        if (seconds < 0 || (seconds == 0 && !zeroAllowed)) {
            throw invalid("'" + setting.key() + "' must be a " + (zeroAllowed ? "non-negative" : "positive")
                    + " whole number of seconds; got " + value);
        }
        if (seconds > LONGEST_DURATION) {
            throw invalid("'" + setting.key() + "' must be at most " + LONGEST_DURATION + " seconds (one year); got "
                    + value);
        }
        return seconds;
    }

    private static long wholeSeconds(TierSetting setting, Object value) {
        String text = String.valueOf(value).trim();
        if (value instanceof Boolean || text.isEmpty()) {
            throw notWholeSeconds(setting, value);
        }
        try {
            return new BigDecimal(text).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw notWholeSeconds(setting, value);
        }
    }

    private static long count(TierSetting setting, Object value) {
        String text = String.valueOf(value).trim();
        long count;
        try {
            count = value instanceof Boolean ? -1 : new BigDecimal(text).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            count = -1;
        }
        if (count < 0 || count > TierSetting.LARGEST_COUNT) {
            throw invalid("'" + setting.key() + "' must be a whole number from 0 (no limit) to "
                    + TierSetting.LARGEST_COUNT + "; got '" + value + "'");
        }
        return count;
    }

    private static String choice(TierSetting setting, Object value) {
        String text = String.valueOf(value).trim();
        if (!setting.choices().contains(text)) {
            throw invalid("'" + setting.key() + "' must be one of " + String.join(", ", setting.choices()) + " or "
                    + TierSetting.PRESET + "; got '" + value + "'");
        }
        return text;
    }

    private static InvalidTierConfigurationException notWholeSeconds(TierSetting setting, Object value) {
        return invalid("'" + setting.key() + "' must be a whole number of seconds; got '" + value + "'");
    }

    private static boolean flag(TierSetting setting, Object value) {
        if (value instanceof Boolean bool) {
            return bool;
        }
        String text = String.valueOf(value).trim();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw invalid("'" + setting.key() + "' must be true, false or " + TierSetting.PRESET + "; got '" + value + "'");
    }

    private static void checkConsistency(TierPolicy policy) {
        if (policy.idleTimeout() > policy.maxLifespan()) {
            throw invalid("'idle-timeout' (" + policy.idleTimeout() + " s) must not be greater than 'max-lifespan' ("
                    + policy.maxLifespan() + " s)");
        }
        if (policy.accessTokenLifespan() > policy.idleTimeout()) {
            throw invalid("'access-token-lifespan' (" + policy.accessTokenLifespan()
                    + " s) must not be greater than 'idle-timeout' (" + policy.idleTimeout()
                    + " s): an access token would outlive the idle window");
        }
        if (policy.reuseGracePeriod() > policy.idleTimeout()) {
            throw invalid("'reuse-grace-period' (" + policy.reuseGracePeriod()
                    + " s) must not be greater than 'idle-timeout' (" + policy.idleTimeout()
                    + " s): a token may not stay retryable after the refresh token it replaced has died of idleness");
        }
        if (policy.reauthMaxAge() > policy.maxLifespan()) {
            throw invalid("'reauth-max-age' (" + policy.reauthMaxAge() + " s) must not be greater than 'max-lifespan' ("
                    + policy.maxLifespan() + " s): no token may outlive max-lifespan, so a later re-authentication "
                    + "could never be reached");
        }
    }

    private static boolean isUnset(Object value) {
        if (value == null) {
            return true;
        }
        String text = String.valueOf(value).trim();
        return text.isEmpty() || text.equalsIgnoreCase(TierSetting.PRESET);
    }

    private static String knownKeys() {
        StringBuilder keys = new StringBuilder();
        for (TierSetting setting : TierSetting.values()) {
            keys.append(keys.length() == 0 ? "" : ", ").append(setting.key());
        }
        return keys.toString();
    }

    private static InvalidTierConfigurationException invalid(String message) {
        return new InvalidTierConfigurationException(PREFIX + message);
    }
}
