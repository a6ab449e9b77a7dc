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
            Object changed = changed(setting);
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
            Object changed = changed(setting);
            TierPolicy policy = Tier.HIGH.preset().with(setting, changed);
            // A choice's accessor answers its enum, whose text is the choice.
            Object read = TierPolicy.class.getMethod(setting.jsonName()).invoke(policy);
            assertThat(setting.kind() == TierSetting.Kind.CHOICE ? String.valueOf(read) : read)
                    .as(setting.jsonName() + "()").isEqualTo(changed);
        }
    }

    @Test
    void aValueOfTheWrongKindIsRefused() {
        assertThatThrownBy(() -> Tier.HIGH.preset().with(TierSetting.IDLE_TIMEOUT, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idle-timeout");
        assertThatThrownBy(() -> Tier.HIGH.preset().with(TierSetting.TIER, "low"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /** 0 sets no limit, so it is the loosest limit, not the smallest number. */
    @ParameterizedTest
    @CsvSource({"0, 0, 0", "0, 3, 3", "3, 0, 3", "2, 5, 2", "5, 2, 2"})
    void strictestMaxSessionsIsTheSmallerLimit(long first, long second, long expected) {
        TierPolicy a = Tier.HIGH.preset().with(TierSetting.MAX_SESSIONS, first);
        TierPolicy b = Tier.HIGH.preset().with(TierSetting.MAX_SESSIONS, second);

        assertThat(a.strictest(b).maxSessions()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"end-oldest, end-oldest, end-oldest", "end-oldest, refuse-new, refuse-new",
            "refuse-new, end-oldest, refuse-new"})
    void strictestSessionLimitActionRefusesIfEitherDoes(String first, String second, String expected) {
        TierPolicy a = Tier.HIGH.preset().with(TierSetting.SESSION_LIMIT_ACTION, first);
        TierPolicy b = Tier.HIGH.preset().with(TierSetting.SESSION_LIMIT_ACTION, second);

        assertThat(a.strictest(b).sessionLimitAction()).isEqualTo(SessionLimitAction.fromId(expected));
    }

    @Test
    void strictestOfHighAndLowIsHigh() {
        assertThat(Tier.HIGH.preset().strictest(Tier.LOW.preset())).isEqualTo(Tier.HIGH.preset());
    }

    /** A value of the setting that differs from high's preset. */
    private static Object changed(TierSetting setting) {
        return switch (setting.kind()) {
            case DURATION, DURATION_OR_ZERO, COUNT -> Long.valueOf(12_345);
            case SWITCH -> !(Boolean) setting.preset(Tier.HIGH);
            case CHOICE -> setting.choices().stream().filter(choice -> !choice.equals(setting.preset(Tier.HIGH)))
                    .findFirst().orElseThrow();
            case TIER -> throw new IllegalArgumentException("'tier' has no value");
        };
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
            if (setting.kind() == TierSetting.Kind.SWITCH && setting != TierSetting.OFFLINE_ACCESS) {
                policy = policy.with(setting, on);
            }
        }
        return policy;
    }

    private static TierPolicy offlineAccess(boolean allowed) {
        return Tier.HIGH.preset().with(TierSetting.OFFLINE_ACCESS, allowed);
    }
}
