package io.github.sessionguard.tier;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests which client settings weaken a tier's tokens, and which of them an update would introduce. */
class ClientTokenSettingsTest {

    private static final ClientTokenSettings STRONG = new ClientTokenSettings(null, "RS256", null, false, false);

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
        ClientTokenSettings weak = new ClientTokenSettings("HS256", "none", "HS512", false, false);

        assertThat(weak.weakSignatures()).extracting(ClientTokenSettings.Weakness::setting).containsExactly(
                "access.token.signed.response.alg", "id.token.signed.response.alg", "user.info.response.signature.alg");
    }

    @Test
    void highAndMediumRefuseANewWeakSignatureAndLowDoesNot() {
        ClientTokenSettings proposed = new ClientTokenSettings("HS256", "RS256", null, false, false);

        assertThat(proposed.introducedUnder(tier("high"), STRONG)).extracting(ClientTokenSettings.Weakness::describe)
                .containsExactly("'access.token.signed.response.alg' = 'HS256'");
        assertThat(proposed.introducedUnder(tier("medium"), STRONG)).hasSize(1);
        assertThat(proposed.introducedUnder(tier("low"), STRONG)).isEmpty();
    }

    @Test
    void switchingOnALegacyGrantIsRefusedWhereTheTierRefusesTheGrant() {
        ClientTokenSettings proposed = new ClientTokenSettings(null, null, null, true, true);

        assertThat(proposed.introducedUnder(tier("high"), STRONG)).extracting(ClientTokenSettings.Weakness::setting)
                .containsExactly("implicitFlowEnabled", "directAccessGrantsEnabled");
        assertThat(proposed.introducedUnder(tier("low"), STRONG)).isEmpty();
        assertThat(proposed.introducedUnder(TierConfigurationParser.parse(
                Map.of("tier", "high", "refuse-legacy-grants", false)), STRONG)).isEmpty();
    }

    @Test
    void aWeaknessTheClientAlreadyHadIsNotIntroducedByTheUpdate() {
        ClientTokenSettings before = new ClientTokenSettings("HS256", null, null, true, false);

        assertThat(before.introducedUnder(tier("high"), before)).isEmpty();
        assertThat(new ClientTokenSettings("HS512", null, null, true, false).introducedUnder(tier("high"), before))
                .extracting(ClientTokenSettings.Weakness::value).containsExactly("HS512");
    }

    private static ConfiguredTier tier(String id) {
        return TierConfigurationParser.parse(Map.of("tier", id));
    }
}
