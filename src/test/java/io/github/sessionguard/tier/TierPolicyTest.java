package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** One setting at a time differs, so a value read from another's place would show. */
    @Test
    void everyValueIsReadFromItsOwnSetting() {
        for (TierSetting setting : TierSetting.policyValues()) {
            Object changed = setting.isDuration() ? Long.valueOf(12_345) : !(Boolean) setting.preset(Tier.HIGH);
            TierPolicy policy = Tier.HIGH.preset().with(setting, changed);
            for (TierSetting other : TierSetting.policyValues()) {
                assertThat(policy.value(other)).as(other.key() + " after changing " + setting.key())
                        .isEqualTo(other == setting ? changed : other.preset(Tier.HIGH));
            }
        }
    }

    /** Each typed accessor ({@code idleTimeout()}) is named after its setting and reads that setting. */
    @Test
    void everyAccessorReadsTheSettingItIsNamedAfter() throws ReflectiveOperationException {
        for (TierSetting setting : TierSetting.policyValues()) {
            Object changed = setting.isDuration() ? Long.valueOf(12_345) : !(Boolean) setting.preset(Tier.HIGH);
            TierPolicy policy = Tier.HIGH.preset().with(setting, changed);
            assertThat(TierPolicy.class.getMethod(setting.jsonName()).invoke(policy)).as(setting.jsonName() + "()")
                    .isEqualTo(changed);
        }
    }

    @Test
    void aValueOfTheWrongKindIsRefused() {
        assertThatThrownBy(() -> Tier.HIGH.preset().with(TierSetting.IDLE_TIMEOUT, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idle-timeout");
        assertThatThrownBy(() -> Tier.HIGH.preset().with(TierSetting.TIER, "low"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void strictestOfHighAndLowIsHigh() {
        assertThat(Tier.HIGH.preset().strictest(Tier.LOW.preset())).isEqualTo(Tier.HIGH.preset());
    }

    private static TierPolicy durations(long idle, long max, long access, long reauth, long grace) {
        return Tier.HIGH.preset().with(TierSetting.IDLE_TIMEOUT, idle).with(TierSetting.MAX_LIFESPAN, max)
                .with(TierSetting.ACCESS_TOKEN_LIFESPAN, access).with(TierSetting.REAUTH_MAX_AGE, reauth)
                .with(TierSetting.REUSE_GRACE_PERIOD, grace);
    }

    /** Every switch that protects when on, set to one value; offline access left at high's. */
    private static TierPolicy safetySwitches(boolean on) {
        TierPolicy policy = Tier.HIGH.preset();
        for (TierSetting setting : TierSetting.policyValues()) {
            if (!setting.isDuration() && setting != TierSetting.OFFLINE_ACCESS) {
                policy = policy.with(setting, on);
            }
        }
        return policy;
    }

    private static TierPolicy offlineAccess(boolean allowed) {
        return Tier.HIGH.preset().with(TierSetting.OFFLINE_ACCESS, allowed);
    }
}
