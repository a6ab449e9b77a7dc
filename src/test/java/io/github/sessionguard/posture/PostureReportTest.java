package io.github.sessionguard.posture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Tests the report's order (worst first), its summary, severities by standing, and what counts as a wildcard. */
class PostureReportTest {

    @Test
    void clientsComeWorstFirstAndTheirFindingsToo() {
        ClientPosture clean = new ClientPosture("clean", "high", List.of());
        ClientPosture medium = new ClientPosture("medium", "low",
                List.of(FindingId.NO_TIER.finding("n"), FindingId.WILDCARD_REDIRECT_URI.finding("w")));
        ClientPosture high = new ClientPosture("high", null,
                List.of(FindingId.NO_TIER.finding("n"), FindingId.PKCE_NOT_ENFORCED.finding("p")));

        PostureReport report = PostureReport.of("r", "now", List.of(), List.of(clean, medium, high));

        assertThat(report.clients()).extracting(ClientPosture::clientId).containsExactly("high", "medium", "clean");
        assertThat(report.clients().get(0).findings()).extracting(Finding::id)
                .containsExactly("pkce-not-enforced", "no-tier");
    }

    @Test
    void theSummaryCountsRealmAndClientFindingsBySeverity() {
        PostureReport report = PostureReport.of("r", "now", List.of(FindingId.REALM_SSL_NOT_REQUIRED.finding("s")),
                List.of(new ClientPosture("a", null, List.of(FindingId.NO_TIER.finding("n"),
                        FindingId.PASSWORD_GRANT_ENABLED.allowedByTier("p"),
                        FindingId.IMPLICIT_FLOW_ENABLED.refusedByTier("i"),
                        FindingId.SESSION_LONGER_THAN_TIER.finding("l")))));

        assertThat(report.summary()).isEqualTo(new PostureReport.Summary(1, 1, 1, 2));
    }

    @Test
    void aWeaknessTheTierAllowsWeighsOneStepLessAndOneItRefusesIsInformation() {
        assertThat(FindingId.PKCE_NOT_ENFORCED.finding("m").severity()).isEqualTo("high");
        assertThat(FindingId.PKCE_NOT_ENFORCED.allowedByTier("m").severity()).isEqualTo("medium");
        assertThat(FindingId.WILDCARD_REDIRECT_URI.allowedByTier("m").severity()).isEqualTo("low");
        assertThat(FindingId.PASSWORD_GRANT_ENABLED.refusedByTier("m").severity()).isEqualTo("info");
        assertThat(FindingId.NO_TIER.allowedByTier("m").severity()).isEqualTo("info");
    }

    @Test
    void everyFindingCarriesItsIdReferencesAndFix() {
        for (FindingId id : FindingId.values()) {
            Finding finding = id.finding("m");
            assertThat(finding.id()).matches("[a-z0-9-]+");
            assertThat(finding.references()).isNotEmpty();
            assertThat(finding.fix()).isNotBlank();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:3000/*", "*", "+", "-", " https://app.example/cb* "})
    void wildcardsAndShortcutsAreNotExactRedirectUris(String uri) {
        assertThat(RedirectUris.isWildcard(uri)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://app.example/callback", "com.example.bank:/oauth2redirect",
            "http://127.0.0.1/callback-2"})
    void exactRedirectUrisAreFine(String uri) {
        assertThat(RedirectUris.isWildcard(uri)).isFalse();
    }
}
