package io.github.sessionguard.posture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tests the HTML page of the report: grouped by client, worst first, every fix shown, everything escaped. */
class PostureReportHtmlTest {

    @Test
    void clientsAppearWorstFirstWithEveryFindingsFix() {
        PostureReport report = PostureReport.of("demo", "2026-01-01T00:00:00Z", List.of(),
                List.of(new ClientPosture("clean-app", "high", List.of()), new ClientPosture("weak-app", null,
                        List.of(FindingId.PKCE_NOT_ENFORCED.finding("no PKCE")))));

        String html = PostureReportHtml.render(report);

        assertThat(html.indexOf("Client weak-app")).isLessThan(html.indexOf("Client clean-app"));
        assertThat(html).contains("pkce-not-enforced").contains(PostureReportHtml.escape(FindingId.PKCE_NOT_ENFORCED.fix()))
                .contains("ASVS 5.0 10.4.6").contains("1 high").contains("No findings.");
    }

    @Test
    void whatAdministratorsTypedIsEscaped() {
        PostureReport report = PostureReport.of("<r>", "now", List.of(), List.of(new ClientPosture(
                "<script>alert(1)</script>", null, List.of(FindingId.WILDCARD_REDIRECT_URI.finding("a\"b&c")))));

        String html = PostureReportHtml.render(report);

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;").contains("a&quot;b&amp;c")
                .contains("&lt;r&gt;");
    }
}
