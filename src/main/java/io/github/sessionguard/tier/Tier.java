package io.github.sessionguard.tier;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The named security levels a client can be put in. What each one holds is a column of {@link TierSetting}, the one
 * table of the tier model.
 */
public enum Tier {

    HIGH, MEDIUM, LOW;

    private static final Map<Tier, TierPolicy> PRESETS = presets();

    /** The tier's values, as the table gives them. */
    public TierPolicy preset() {
        return PRESETS.get(this);
    }

    /** The name administrators type: {@code high}, {@code medium} or {@code low}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Tier> fromId(String id) {
        return Arrays.stream(values()).filter(tier -> tier.id().equals(id)).findFirst();
    }

    /**
     * Whether a client in this tier may be signed with {@code none} or a shared secret. In high and medium, a token that
     * anyone holding the secret (or no one) can forge would undo every other guarantee of the tier.
     */
    public boolean forbidsWeakSignatures() {
        return this != LOW;
    }

    private static Map<Tier, TierPolicy> presets() {
        Map<Tier, TierPolicy> presets = new EnumMap<>(Tier.class);
        for (Tier tier : values()) {
            presets.put(tier, TierPolicy.preset(tier));
        }
        return presets;
    }

    static String allIds() {
        return Arrays.stream(values()).map(Tier::id).collect(Collectors.joining(", "));
    }
}
