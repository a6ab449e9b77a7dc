package io.github.sessionguard.tier;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The named security levels a client can be put in. The idle values are OWASP's M9 guidance (15, 30 and 60
 * minutes); the absolute lifetimes stay inside NIST SP 800-63B-4 (AAL3 12 h, AAL2 24 h, AAL1 30 days). In high
 * and medium the idle time also ends SSO for the client (NIST's inactivity limit asks for a new authentication, not
 * only a new token); low, whose apps are the least sensitive, keeps SSO until reauth-max-age. Every tier
 * requires PKCE; high and medium refuse the token-leaking grants. None requires DPoP: rotation with reuse revocation,
 * which every tier has, is the other way OWASP ASVS 5.0 10.4.5 accepts, and most mobile SDKs don't send DPoP yet.
 * High and medium email the user when Session Guard ends their sessions for a replay or an admin action; low, whose
 * sessions are long and whose apps are the least sensitive, doesn't.
 */
public enum Tier {

    HIGH(new TierPolicy(900, 43_200, 300, 43_200, true, 0,
            true, true, true, false, true, true, true, false, true)),
    MEDIUM(new TierPolicy(1_800, 86_400, 300, 86_400, true, 10,
            true, true, true, false, true, true, true, false, true)),
    LOW(new TierPolicy(3_600, 2_592_000, 600, 2_592_000, false, 30,
            true, true, false, true, true, true, false, false, false));

    private final TierPolicy preset;

    Tier(TierPolicy preset) {
        this.preset = preset;
    }

    public TierPolicy preset() {
        return preset;
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

    static String allIds() {
        return Arrays.stream(values()).map(Tier::id).collect(Collectors.joining(", "));
    }
}
