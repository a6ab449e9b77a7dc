package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests which client settings weaken a tier's tokens, and which of them an update would introduce. */
class ClientTokenSettingsTest {

    private static final ClientTokenSettings STRONG = settings(null, "RS256", null, false, false, null);

    @ParameterizedTest
    @ValueSource(strings = {"none", "NONE", "HS256", "HS384", "HS512", " hs256 "})
    void noneAndHmacAreWeak(String algorithm) {
        assertThat(ClientTokenSettings.isWeakAlgorithm(algorithm)).isTrue();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"RS256", "PS256", "ES256", "EdDSA"})
    void asymmetricOrDefaultIsNotWeak(String algorithm) {
        assertThat(ClientTokenSettings.isWeakAlgorithm(algorithm)).isFalse();
    }

    @Test
    void everyWeakSignatureIsNamedBySetting() {
        ClientTokenSettings weak = settings("HS256", "none", "HS512", false, false, null);

        assertThat(weak.weakSignatures()).extracting(ClientTokenSettings.Weakness::setting).containsExactly(
                "access.token.signed.response.alg", "id.token.signed.response.alg", "user.info.response.signature.alg");
    }

    @Test
    void theRealmsDefaultSignsAccessAndIdTokensWhereTheClientNamesNoAlgorithm() {
        ClientTokenSettings inheriting = settings(null, "", null, false, false, "HS256");

        assertThat(inheriting.weakSignatures()).extracting(ClientTokenSettings.Weakness::describe).containsExactly(
                "the realm's default signature algorithm 'HS256' (used where 'access.token.signed.response.alg' is"
                        + " unset)",
                "the realm's default signature algorithm 'HS256' (used where 'id.token.signed.response.alg' is"
                        + " unset)");
        assertThat(settings("RS256", "ES256", null, false, false, "HS256").weakSignatures()).isEmpty();
        assertThat(settings(null, null, null, false, false, "RS256").weakSignatures()).isEmpty();
    }

    @Test
    void highAndMediumForbidAWeakSignatureAndLowDoesNot() {
        ClientTokenSettings.Weakness weak = settings("HS256", "RS256", null, false, false, null)
                .introducedSince(STRONG).get(0);

        assertThat(weak.describe()).isEqualTo("'access.token.signed.response.alg' = 'HS256'");
        assertThat(weak.forbiddenBy(tier("high"))).isTrue();
        assertThat(weak.forbiddenBy(tier("medium"))).isTrue();
        assertThat(weak.forbiddenBy(tier("low"))).isFalse();
        assertThat(weak.affects(Grant.CLIENT_CREDENTIALS)).as("a signature weakens every grant").isTrue();
    }

    @Test
    void aLegacyGrantIsForbiddenWhereTheTierRefusesItAndWeakensOnlyItsOwnGrant() {
        List<ClientTokenSettings.Weakness> introduced = settings(null, null, null, true, true, null)
                .introducedSince(STRONG);

        assertThat(introduced).extracting(ClientTokenSettings.Weakness::setting)
                .containsExactly("implicitFlowEnabled", "directAccessGrantsEnabled");
        ClientTokenSettings.Weakness password = introduced.get(1);
        assertThat(password.forbiddenBy(tier("high"))).isTrue();
        assertThat(password.forbiddenBy(tier("low"))).isFalse();
        assertThat(password.forbiddenBy(TierConfigurationParser.parse(
                Map.of("tier", "high", "refuse-legacy-grants", false)))).isFalse();
        assertThat(password.affects(Grant.PASSWORD)).isTrue();
        assertThat(password.affects(Grant.REFRESH_TOKEN)).isFalse();
        assertThat(introduced.get(0).affects(Grant.AUTHORIZATION)).isTrue();
        assertThat(introduced.get(0).affects(Grant.PASSWORD)).isFalse();
    }

    @Test
    void aWeaknessTheClientAlreadyHadIsNotIntroducedByTheUpdate() {
        ClientTokenSettings before = settings("HS256", null, null, true, false, null);

        assertThat(before.introducedSince(before)).isEmpty();
        assertThat(settings("HS512", null, null, true, false, null).introducedSince(before))
                .extracting(ClientTokenSettings.Weakness::value).containsExactly("HS512");
    }

    @Test
    void unsettingAnAlgorithmIntroducesTheRealmsWeakDefaultAndSettingTheSameOneIntroducesNothing() {
        ClientTokenSettings own = settings("RS256", "RS256", null, false, false, "HS256");
        ClientTokenSettings inheriting = settings(null, "RS256", null, false, false, "HS256");

        assertThat(inheriting.introducedSince(own)).extracting(ClientTokenSettings.Weakness::fromRealmDefault)
                .containsExactly(true);
        assertThat(settings("HS256", "RS256", null, false, false, "HS256").introducedSince(inheriting)).isEmpty();
    }

    private static ClientTokenSettings settings(String access, String id, String userInfo, boolean implicit,
            boolean password, String realmDefault) {
        return new ClientTokenSettings(access, id, userInfo, implicit, password, realmDefault);
    }

    private static ConfiguredTier tier(String id) {
        return TierConfigurationParser.parse(Map.of("tier", id));
    }
}
