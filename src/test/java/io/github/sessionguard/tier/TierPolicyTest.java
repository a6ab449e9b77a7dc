package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tests how {@link TierPolicy#strictest} combines two policies into the one that honours both. */
class TierPolicyTest {

    @Test
    void strictestTakesTheShorterOfEveryDuration() {
        TierPolicy first = durations(100, 800, 60, 700, 5);
        TierPolicy second = durations(200, 1_000, 50, 900, 0);

        assertThat(first.strictest(second)).isEqualTo(durations(100, 800, 50, 700, 0));
    }

    @ParameterizedTest(name = "{0} or {1} = {2}")
    @CsvSource({"false, false, false", "true, false, true", "false, true, true", "true, true, true"})
    void strictestTurnsOnASafetySwitchIfEitherPolicyHasIt(boolean first, boolean second, boolean expected) {
        TierPolicy combined = safetySwitches(first).strictest(safetySwitches(second));

        assertThat(combined.reauthAfterIdle()).isEqualTo(expected);
        assertThat(combined.rotateRefreshTokens()).isEqualTo(expected);
        assertThat(combined.revokeSessionOnReuse()).isEqualTo(expected);
        assertThat(combined.revocationEndsSession()).isEqualTo(expected);
        assertThat(combined.endSessionsOnCredentialChange()).isEqualTo(expected);
        assertThat(combined.requirePkce()).isEqualTo(expected);
        assertThat(combined.refuseLegacyGrants()).isEqualTo(expected);
        assertThat(combined.requireDpop()).isEqualTo(expected);
        assertThat(combined.notifyUser()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} and {1} = {2}")
    @CsvSource({"false, false, false", "true, false, false", "false, true, false", "true, true, true"})
    void strictestAllowsOfflineAccessOnlyIfBothPoliciesDo(boolean first, boolean second, boolean expected) {
        assertThat(offlineAccess(first).strictest(offlineAccess(second)).offlineAccess()).isEqualTo(expected);
    }

    @Test
    void strictestIsTheSameWhicheverPolicyAsks() {
        TierPolicy medium = Tier.MEDIUM.preset();
        TierPolicy low = Tier.LOW.preset();

        assertThat(medium.strictest(low)).isEqualTo(low.strictest(medium));
    }

    @Test
    void strictestOfHighAndLowIsHigh() {
        assertThat(Tier.HIGH.preset().strictest(Tier.LOW.preset())).isEqualTo(Tier.HIGH.preset());
    }

    private static TierPolicy durations(long idle, long max, long access, long reauth, long grace) {
        return new TierPolicy(idle, max, access, reauth, true, grace, true, true, true, false, true, true, true, false,
                true);
    }

    private static TierPolicy safetySwitches(boolean on) {
        return new TierPolicy(900, 43_200, 300, 43_200, on, 0, on, on, on, false, on, on, on, on, on);
    }

    private static TierPolicy offlineAccess(boolean allowed) {
        return new TierPolicy(900, 43_200, 300, 43_200, true, 0, true, true, true, allowed, true, true, true, false,
                true);
    }
}
