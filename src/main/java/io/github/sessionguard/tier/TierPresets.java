package io.github.sessionguard.tier;

import java.util.Arrays;
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
        if (setting.kind() == TierSetting.Kind.TIER) {
            throw new IllegalArgumentException("'tier' chooses the preset; it has no value of its own");
        }
        Object value = policy.value(setting);
        return switch (setting.kind()) {
            case DURATION, DURATION_OR_ZERO -> seconds((Long) value);
            case COUNT -> count((Long) value);
            default -> String.valueOf(value);
        };
    }

    /** A limit: {@code 0 (no limit)}, or the number. */
    public static String count(long count) {
        return count == 0 ? "0 (no limit)" : String.valueOf(count);
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
}
