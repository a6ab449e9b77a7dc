package io.github.sessionguard.tier;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Each tier's preset value of a setting, as an administrator reads it: the executor's form and the tier scopes'
 * descriptions show what an empty field or a bare tier puts in force, so nobody has to look the numbers up.
 */
public final class TierPresets {

    private TierPresets() {
    }

    /** For example {@code high 900 s (15 min), medium 1800 s (30 min), low 3600 s (60 min)}. */
    public static String describe(TierSetting setting) {
        return Arrays.stream(Tier.values())
                .map(tier -> tier.id() + " " + describe(setting, tier.preset()))
                .collect(Collectors.joining(", "));
    }

    /** One value of a policy, durations with their unit. */
    public static String describe(TierSetting setting, TierPolicy policy) {
        Object value = valueOf(setting).apply(policy);
        return value instanceof Long seconds ? seconds(seconds) : String.valueOf(value);
    }

    /** Whole seconds, with the largest unit they make when that is shorter to read: {@code 900 s (15 min)}. */
    public static String seconds(long seconds) {
        String readable = readable(seconds);
        return readable.equals(seconds + " s") ? readable : seconds + " s (" + readable + ")";
    }

    /** The largest whole unit: {@code 15 min}, {@code 12 h}, {@code 1 day}; else seconds. */
    public static String readable(long seconds) {
        if (seconds >= 86_400 && seconds % 86_400 == 0) {
            return seconds / 86_400 + (seconds == 86_400 ? " day" : " days");
        }
        if (seconds >= 3_600 && seconds % 3_600 == 0) {
            return seconds / 3_600 + " h";
        }
        if (seconds >= 60 && seconds % 60 == 0) {
            return seconds / 60 + " min";
        }
        return seconds + " s";
    }

    private static Function<TierPolicy, Object> valueOf(TierSetting setting) {
        return switch (setting) {
            case TIER -> throw new IllegalArgumentException("'tier' chooses the preset; it has no value of its own");
            case IDLE_TIMEOUT -> TierPolicy::idleTimeout;
            case MAX_LIFESPAN -> TierPolicy::maxLifespan;
            case ACCESS_TOKEN_LIFESPAN -> TierPolicy::accessTokenLifespan;
            case REAUTH_MAX_AGE -> TierPolicy::reauthMaxAge;
            case REAUTH_AFTER_IDLE -> TierPolicy::reauthAfterIdle;
            case REUSE_GRACE_PERIOD -> TierPolicy::reuseGracePeriod;
            case ROTATE_REFRESH_TOKENS -> TierPolicy::rotateRefreshTokens;
            case REVOKE_SESSION_ON_REUSE -> TierPolicy::revokeSessionOnReuse;
            case REVOCATION_ENDS_SESSION -> TierPolicy::revocationEndsSession;
            case OFFLINE_ACCESS -> TierPolicy::offlineAccess;
            case END_SESSIONS_ON_CREDENTIAL_CHANGE -> TierPolicy::endSessionsOnCredentialChange;
            case REQUIRE_PKCE -> TierPolicy::requirePkce;
            case REFUSE_LEGACY_GRANTS -> TierPolicy::refuseLegacyGrants;
            case REQUIRE_DPOP -> TierPolicy::requireDpop;
            case NOTIFY_USER -> TierPolicy::notifyUser;
        };
    }
}
