package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests how {@link TierConfigurationParser} turns raw executor configuration into a preset, overrides and checks. */
class TierConfigurationParserTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            # tier, idle, max,     access, reauth,  afterIdle, grace, rotate, revokeOnReuse, revocationEnds, offline, endOnCredChange, pkce, legacy, dpop,  notify
            high,   900,  43200,   300,    43200,   true,      0,     true,   true,          true,           false,   true,            true, true,   false, true
            medium, 1800, 86400,   300,    86400,   true,      10,    true,   true,          true,           false,   true,            true, true,   false, true
            low,    3600, 2592000, 600,    2592000, false,     30,    true,   true,          false,          true,    true,            true, false,  false, false
            """)
    void tierAloneYieldsItsPreset(String id, long idle, long max, long access, long reauth, boolean afterIdle,
            long grace, boolean rotate, boolean revokeOnReuse, boolean revocationEnds, boolean offline,
            boolean endOnCredChange, boolean pkce, boolean legacy, boolean dpop, boolean notify) {
        ConfiguredTier configured = TierConfigurationParser.parse(config("tier", id));

        assertThat(configured.tier().id()).isEqualTo(id);
        TierPolicy p = configured.policy();
        assertThat(List.of(p.idleTimeout(), p.maxLifespan(), p.accessTokenLifespan(), p.reauthMaxAge(),
                p.reauthAfterIdle(), p.reuseGracePeriod(), p.rotateRefreshTokens(), p.revokeSessionOnReuse(),
                p.revocationEndsSession(), p.offlineAccess(), p.endSessionsOnCredentialChange(), p.requirePkce(),
                p.refuseLegacyGrants(), p.requireDpop(), p.notifyUser())).containsExactly(idle, max, access, reauth,
                afterIdle, grace, rotate, revokeOnReuse, revocationEnds, offline, endOnCredChange, pkce, legacy, dpop,
                notify);
    }

    @ParameterizedTest
    @MethodSource("twentySeconds")
    void durationOverrideAcceptsNumbersAndWholeNumericStrings(Object twenty) {
        TierPolicy policy = parse("tier", "medium", "reuse-grace-period", twenty);

        assertThat(policy.reuseGracePeriod()).isEqualTo(20);
        assertSameExceptFor(policy, "reuseGracePeriod", Tier.MEDIUM.preset());
    }

    static Stream<Object> twentySeconds() {
        return Stream.of(20, 20L, "20", "20.0");
    }

    @ParameterizedTest
    @MethodSource("falseValues")
    void switchOverrideAcceptsFalseAsBooleanOrString(Object no) {
        TierPolicy policy = parse("tier", "high", "rotate-refresh-tokens", no);

        assertThat(policy.rotateRefreshTokens()).isFalse();
        assertSameExceptFor(policy, "rotateRefreshTokens", Tier.HIGH.preset());
    }

    static Stream<Object> falseValues() {
        return Stream.of(Boolean.FALSE, "false");
    }

    @ParameterizedTest
    @MethodSource("trueValues")
    void switchOverrideAcceptsTrueAsBooleanOrString(Object yes) {
        TierPolicy policy = parse("tier", "high", "offline-access", yes);

        assertThat(policy.offlineAccess()).isTrue();
        assertSameExceptFor(policy, "offlineAccess", Tier.HIGH.preset());
    }

    static Stream<Object> trueValues() {
        return Stream.of(Boolean.TRUE, "true");
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"preset", ""})
    void unsetValuesLeaveThePreset(String unset) {
        Map<String, Object> raw = config("tier", "medium");
        Arrays.stream(TierSetting.values()).filter(setting -> setting != TierSetting.TIER)
                .forEach(setting -> raw.put(setting.key(), unset));

        assertThat(TierConfigurationParser.parse(raw).policy()).isEqualTo(Tier.MEDIUM.preset());
    }

    @Test
    void overriddenMaxLifespanCarriesReauthMaxAge() {
        TierPolicy policy = parse("tier", "high", "max-lifespan", 7_200);

        assertThat(policy.maxLifespan()).isEqualTo(7_200);
        assertThat(policy.reauthMaxAge()).isEqualTo(7_200);
    }

    @Test
    void overriddenReauthMaxAgeIsKeptWhenMaxLifespanIsOverriddenToo() {
        TierPolicy policy = parse("tier", "high", "max-lifespan", 7_200, "reauth-max-age", 3_600);

        assertThat(policy.maxLifespan()).isEqualTo(7_200);
        assertThat(policy.reauthMaxAge()).isEqualTo(3_600);
    }

    @Test
    void overriddenReauthMaxAgeLeavesMaxLifespanAtThePreset() {
        TierPolicy policy = parse("tier", "high", "reauth-max-age", 3_600);

        assertThat(policy.reauthMaxAge()).isEqualTo(3_600);
        assertThat(policy.maxLifespan()).isEqualTo(Tier.HIGH.preset().maxLifespan());
    }

    @Test
    void limitsEqualToTheirCeilingsAreAccepted() {
        TierPolicy policy = parse("tier", "high", "idle-timeout", 43_200, "access-token-lifespan", 43_200,
                "reauth-max-age", 43_200);

        assertThat(policy.idleTimeout()).isEqualTo(policy.maxLifespan());
        assertThat(policy.accessTokenLifespan()).isEqualTo(policy.idleTimeout());
        assertThat(policy.reauthMaxAge()).isEqualTo(policy.maxLifespan());
    }

    @Test
    void zeroReuseGracePeriodIsAllowed() {
        assertThat(parse("tier", "low", "reuse-grace-period", 0).reuseGracePeriod()).isZero();
    }

    @ParameterizedTest
    @EnumSource(value = TierSetting.class,
            names = {"IDLE_TIMEOUT", "MAX_LIFESPAN", "ACCESS_TOKEN_LIFESPAN", "REAUTH_MAX_AGE"})
    void negativeDurationIsRejected(TierSetting setting) {
        assertRejected(config("tier", "low", setting.key(), "-5"),
                "'" + setting.key() + "'", "must be a positive whole number of seconds", "-5");
    }

    /** A stored configuration that can't be read fails (the request, with a server error); it never means "no limits". */
    @Test
    void anUnreadableStoredConfigurationThrowsRatherThanReadingAsNoTier() {
        assertThatThrownBy(() -> TierConfigurationParser.parseStored(config("tier", "extreme")))
                .isInstanceOf(InvalidTierConfigurationException.class);
        assertThatThrownBy(() -> TierConfigurationParser.parseStored(config("tier", "extreme")))
                .as("a failure is not remembered as a result").isInstanceOf(InvalidTierConfigurationException.class);
    }

    @Test
    void aStoredConfigurationIsParsedOnceAndTheSameResultServedAfter() {
        assertThat(TierConfigurationParser.parseStored(config("tier", "medium", "idle-timeout", 1_200)))
                .isSameAs(TierConfigurationParser.parseStored(config("tier", "medium", "idle-timeout", 1_200)));
    }

    @Test
    void reuseGracePeriodLongerThanTheIdleTimeoutIsRejected() {
        assertRejected(config("tier", "low", "idle-timeout", 600, "access-token-lifespan", 300,
                "reuse-grace-period", 601), "'reuse-grace-period' (601 s)", "must not be greater than 'idle-timeout' (600 s)");
    }

    @Test
    void reuseGracePeriodEqualToTheIdleTimeoutIsAccepted() {
        assertThat(parse("tier", "low", "idle-timeout", 600, "access-token-lifespan", 300, "reuse-grace-period", 600)
                .reuseGracePeriod()).isEqualTo(600);
    }

    @Test
    void negativeReuseGracePeriodIsRejected() {
        assertRejected(config("tier", "low", "reuse-grace-period", "-5"),
                "'reuse-grace-period'", "must be a non-negative whole number of seconds", "-5");
    }

    @ParameterizedTest
    @EnumSource(value = TierSetting.class,
            names = {"IDLE_TIMEOUT", "MAX_LIFESPAN", "ACCESS_TOKEN_LIFESPAN", "REAUTH_MAX_AGE"})
    void zeroIsRejectedWhereAPositiveDurationIsRequired(TierSetting setting) {
        assertRejected(config("tier", "low", setting.key(), 0),
                "'" + setting.key() + "'", "must be a positive whole number of seconds", "got 0");
    }

    @ParameterizedTest
    @MethodSource("notWholeSeconds")
    void durationThatIsNotWholeSecondsIsRejected(Object value) {
        assertRejected(config("tier", "low", "idle-timeout", value),
                "'idle-timeout'", "must be a whole number of seconds", "got '" + value + "'");
    }

    static Stream<Object> notWholeSeconds() {
        return Stream.of("abc", "1.5", 1.5, Boolean.TRUE);
    }

    @ParameterizedTest
    @EnumSource(value = TierSetting.class, names = {"REAUTH_AFTER_IDLE", "ROTATE_REFRESH_TOKENS",
            "REVOKE_SESSION_ON_REUSE", "REVOCATION_ENDS_SESSION", "OFFLINE_ACCESS", "END_SESSIONS_ON_CREDENTIAL_CHANGE",
            "REQUIRE_PKCE", "REFUSE_LEGACY_GRANTS", "REQUIRE_DPOP", "NOTIFY_USER"})
    void switchOtherThanTrueOrFalseIsRejected(TierSetting setting) {
        assertRejected(config("tier", "low", setting.key(), "yes"),
                "'" + setting.key() + "'", "must be true, false or preset", "got 'yes'");
    }

    @ParameterizedTest(name = "{0} in tier {1} = {2}")
    @CsvSource({"require-pkce, low, false", "refuse-legacy-grants, high, false", "refuse-legacy-grants, low, true",
            "require-dpop, medium, true"})
    void tokenHardeningSwitchOverridesThePresetAndNothingElse(String key, String tier, boolean value) {
        TierPolicy policy = parse("tier", tier, key, String.valueOf(value));
        TierPolicy preset = Tier.fromId(tier).orElseThrow().preset();

        String field = switch (key) {
            case "require-pkce" -> "requirePkce";
            case "refuse-legacy-grants" -> "refuseLegacyGrants";
            default -> "requireDpop";
        };
        assertThat(policy.value(setting(field))).isEqualTo(value);
        assertSameExceptFor(policy, field, preset);
    }

    @ParameterizedTest(name = "notify-user {1} in tier {0}")
    @CsvSource({"low, true", "high, false", "medium, false"})
    void notifyUserOverridesThePresetAndNothingElse(String tier, boolean value) {
        TierPolicy policy = parse("tier", tier, "notify-user", value);

        assertThat(policy.notifyUser()).isEqualTo(value);
        assertSameExceptFor(policy, "notifyUser", Tier.fromId(tier).orElseThrow().preset());
        assertThat(parse("tier", tier, "notify-user", "preset")).isEqualTo(Tier.fromId(tier).orElseThrow().preset());
    }

    @ParameterizedTest(name = "reauth-after-idle {1} in tier {0}")
    @CsvSource({"low, true", "high, false", "medium, false"})
    void reauthAfterIdleOverridesThePresetAndNothingElse(String tier, boolean value) {
        TierPolicy preset = Tier.fromId(tier).orElseThrow().preset();
        TierPolicy policy = parse("tier", tier, "reauth-after-idle", String.valueOf(value));

        assertThat(policy.reauthAfterIdle()).isEqualTo(value);
        assertSameExceptFor(policy, "reauthAfterIdle", preset);
        assertThat(parse("tier", tier, "reauth-after-idle", "preset")).isEqualTo(preset);
    }

    @Test
    void tokenHardeningSwitchesLeftAtPresetKeepTheTiersValues() {
        TierPolicy policy = parse("tier", "medium", "require-pkce", "preset", "refuse-legacy-grants", "",
                "require-dpop", "preset");

        assertThat(policy).isEqualTo(Tier.MEDIUM.preset());
    }

    @Test
    void unknownTierIsRejectedListingTheKnownOnes() {
        assertRejected(config("tier", "extreme"), "'tier'", "must be one of high, medium, low", "got 'extreme'");
    }

    @Test
    void missingTierIsRejected() {
        assertRejected(config("idle-timeout", 600), "'tier' is required", "high, medium, low");
    }

    @Test
    void unknownKeyIsRejectedListingTheKnownOnes() {
        assertRejected(config("tier", "high", "idle-timout", 600),
                "unknown key 'idle-timout'", "known keys are", "idle-timeout");
    }

    @Test
    void idleTimeoutLongerThanMaxLifespanIsRejected() {
        assertRejected(config("tier", "high", "idle-timeout", 50_000),
                "'idle-timeout' (50000 s)", "must not be greater than", "'max-lifespan' (43200 s)");
    }

    @Test
    void accessTokenLifespanLongerThanIdleTimeoutIsRejected() {
        assertRejected(config("tier", "high", "idle-timeout", 200),
                "'access-token-lifespan' (300 s)", "must not be greater than", "'idle-timeout' (200 s)");
    }

    @Test
    void reauthMaxAgeLongerThanMaxLifespanIsRejected() {
        assertRejected(config("tier", "high", "reauth-max-age", 50_000),
                "'reauth-max-age' (50000 s)", "must not be greater than", "'max-lifespan' (43200 s)");
    }

    @Test
    void noTierLimitsSessionsByItsPreset() {
        for (Tier tier : Tier.values()) {
            assertThat(tier.preset().maxSessions()).as(tier.id()).isZero();
            assertThat(tier.preset().sessionLimitAction()).as(tier.id()).isEqualTo(SessionLimitAction.END_OLDEST);
        }
    }

    @ParameterizedTest
    @MethodSource("twoSessions")
    void maxSessionsAcceptsWholeNumbersAndChangesNothingElse(Object two) {
        TierPolicy policy = parse("tier", "medium", "max-sessions", two);

        assertThat(policy.maxSessions()).isEqualTo(2);
        assertSameExceptFor(policy, "maxSessions", Tier.MEDIUM.preset());
    }

    static Stream<Object> twoSessions() {
        return Stream.of(2, 2L, "2", " 2 ", "2.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1001", "1.5", "two", "true"})
    void maxSessionsOutsideZeroToAThousandIsRejected(String value) {
        assertRejected(config("tier", "high", "max-sessions", value),
                "'max-sessions' must be a whole number from 0 (no limit) to 1000", "got '" + value + "'");
    }

    @Test
    void sessionLimitActionTakesRefuseNew() {
        TierPolicy policy = parse("tier", "low", "session-limit-action", "refuse-new");

        assertThat(policy.sessionLimitAction()).isEqualTo(SessionLimitAction.REFUSE_NEW);
        assertSameExceptFor(policy, "sessionLimitAction", Tier.LOW.preset());
    }

    @Test
    void sessionLimitActionOtherThanItsChoicesIsRejected() {
        assertRejected(config("tier", "low", "session-limit-action", "end-newest"),
                "'session-limit-action' must be one of refuse-new, end-oldest or preset", "got 'end-newest'");
    }

    private static TierPolicy parse(Object... keysAndValues) {
        return TierConfigurationParser.parse(config(keysAndValues)).policy();
    }

    private static Map<String, Object> config(Object... keysAndValues) {
        Map<String, Object> raw = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            raw.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return raw;
    }

    private static void assertRejected(Map<String, Object> raw, String... fragments) {
        assertThatThrownBy(() -> TierConfigurationParser.parse(raw))
                .isInstanceOf(InvalidTierConfigurationException.class)
                .hasMessageStartingWith("session-tier: ")
                .hasMessageContainingAll(fragments);
    }

    /** The policy equals the preset in every setting but the one named (by its JSON name). */
    private static void assertSameExceptFor(TierPolicy policy, String jsonName, TierPolicy preset) {
        TierSetting except = setting(jsonName);
        assertThat(policy).isEqualTo(preset.with(except, policy.value(except)));
    }

    private static TierSetting setting(String jsonName) {
        return TierSetting.policyValues().stream().filter(s -> s.jsonName().equals(jsonName)).findFirst()
                .orElseThrow();
    }
}
