package io.github.sessionguard.enforce;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.tier.Tier;
import io.github.sessionguard.tier.TierPolicy;
import io.github.sessionguard.tier.TierSetting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests the ceilings {@link TokenLifetimeCaps} lays over issued token expiries. */
class TokenLifetimeCapsTest {

    private static final long IDLE = 1_800;
    private static final long MAX = 86_400;
    private static final long ACCESS = 300;
    /** Tier medium's values, written out. */
    private static final TierPolicy POLICY = Tier.MEDIUM.preset().with(TierSetting.IDLE_TIMEOUT, IDLE)
            .with(TierSetting.MAX_LIFESPAN, MAX).with(TierSetting.ACCESS_TOKEN_LIFESPAN, ACCESS)
            .with(TierSetting.REAUTH_MAX_AGE, MAX);
    private static final long AUTH_TIME = 1_700_000_000L;
    private static final long DEADLINE = AUTH_TIME + MAX;

    @Test
    void absoluteDeadlineIsAuthTimePlusMaxLifespan() {
        assertThat(caps(AUTH_TIME + 60).absoluteDeadline()).isEqualTo(DEADLINE);
    }

    @Test
    void accessExpiryIsCappedAtNowPlusAccessTokenLifespan() {
        long now = AUTH_TIME + 3_600;

        assertThat(caps(now).accessTokenExpiry(now + 3_600)).isEqualTo(now + ACCESS);
    }

    @Test
    void accessExpiryIsCappedAtTheAbsoluteDeadline() {
        long now = DEADLINE - 100;

        assertThat(caps(now).accessTokenExpiry(now + ACCESS)).isEqualTo(DEADLINE);
    }

    @Test
    void accessExpiryIsNeverLengthened() {
        long now = AUTH_TIME + 3_600;

        assertThat(caps(now).accessTokenExpiry(now + 60)).isEqualTo(now + 60);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void accessTokenWithoutExpiryGetsCapped(long none) {
        long now = AUTH_TIME + 3_600;

        assertThat(caps(now).accessTokenExpiry(none)).isEqualTo(now + ACCESS);
    }

    @Test
    void refreshExpiryIsCappedAtNowPlusIdleTimeout() {
        long now = AUTH_TIME + 3_600;

        assertThat(caps(now).refreshTokenExpiry(now + 36_000)).isEqualTo(now + IDLE);
    }

    @Test
    void refreshExpiryIsCappedAtTheAbsoluteDeadline() {
        long now = DEADLINE - 100;

        assertThat(caps(now).refreshTokenExpiry(now + IDLE)).isEqualTo(DEADLINE);
    }

    @Test
    void refreshExpiryIsNeverLengthened() {
        long now = AUTH_TIME + 3_600;

        assertThat(caps(now).refreshTokenExpiry(now + 600)).isEqualTo(now + 600);
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1})
    void offlineRefreshTokenWithoutExpiryGetsCapped(long none) {
        long now = AUTH_TIME + 3_600;

        assertThat(caps(now).refreshTokenExpiry(none)).isEqualTo(now + IDLE);
    }

    @ParameterizedTest(name = "deadline {0} s -> {1}")
    @CsvSource({"-1, false", "0, true", "1, true"})
    void pastAbsoluteDeadlineFromTheDeadlineItselfOn(long offsetFromDeadline, boolean expected) {
        assertThat(caps(DEADLINE + offsetFromDeadline).pastAbsoluteDeadline()).isEqualTo(expected);
    }

    private static TokenLifetimeCaps caps(long now) {
        return new TokenLifetimeCaps(POLICY, now, AUTH_TIME);
    }
}
