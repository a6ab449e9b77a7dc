package io.github.sessionguard.assignment;

import io.github.sessionguard.tier.Tier;
import io.github.sessionguard.tier.TierPolicy;
import io.github.sessionguard.tier.TierPresets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The client scope that puts a client into a tier. An administrator adds {@code session-tier-high} to a client on its
 * own "Client scopes" tab, as a default scope, and Keycloak's {@code client-scopes} condition then selects that
 * client for the tier's policy. The scope's description is what the tab shows beside it, so it carries the tier's
 * values and says that they replace the lifespans the client's Advanced tab shows.
 */
public final class TierScope {

    private static final String PREFIX = "session-tier-";

    private TierScope() {
    }

    /** The one name a tier's scope, profile and policy share, for example {@code session-tier-high}. */
    public static String nameOf(Tier tier) {
        return PREFIX + tier.id();
    }

    public static Optional<Tier> tierOf(String scopeName) {
        return Arrays.stream(Tier.values()).filter(tier -> nameOf(tier).equals(scopeName)).findFirst();
    }

    /** At most 255 characters, the width of Keycloak's description column. */
    static String description(Tier tier, String realmName) {
        TierPolicy preset = tier.preset();
        String description = "Session Guard tier " + tier.id() + ": " + TierPresets.readable(preset.idleTimeout()) + " idle, "
                + TierPresets.readable(preset.maxLifespan()) + " max, access tokens " + TierPresets.readable(preset.accessTokenLifespan())
                + ". Replaces the token lifespans under Advanced. In force: GET /admin/realms/" + realmName
                + "/session-guard/clients/{clientId}";
        return description.length() <= 255 ? description : description.substring(0, 255);
    }
}
