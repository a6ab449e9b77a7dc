package io.github.sessionguard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.RunsItsOwnServers;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's code on a few hundred requests, in the test suite, so that it keeps working. It judges no target
 * (a shared CI machine can't), but every scenario must produce its figures, and statements must be counted.
 */
@RunsItsOwnServers
class BenchmarkSmokeIT {

    @Test
    void everyScenarioProducesItsFigures() {
        BenchmarkReport report = BenchmarkRunner.runAndWrite(BenchmarkScale.smoke());

        assertThat(report.rows()).extracting(BenchmarkReport.Row::scenario)
                .contains("A refresh", "B logout", "C mass delivery", "D expiry scan", "E database load");
        assertThat(report.rows()).allSatisfy(row -> assertThat(row.value()).doesNotContain("NaN"));
        assertThat(report.rows()).noneMatch(row -> row.verdict().equals("FAILED"));
        // Every login of a client with a back-channel URL records its participation: counted, so not zero.
        assertThat(report.rows()).filteredOn(row -> row.measure().startsWith("SQL statements per login"))
                .singleElement().extracting(BenchmarkReport.Row::value).asString()
                .doesNotContain("Session Guard 0.00");
        // Scenario C's parts, each measured: the limit, the phases of both sign-outs, delivery alone, the fan-out.
        assertThat(report.rows()).filteredOn(row -> row.scenario().equals("C mass delivery"))
                .extracting(BenchmarkReport.Row::measure)
                .anySatisfy(measure -> assertThat(measure).startsWith("signing limit: "))
                .anySatisfy(measure -> assertThat(measure).startsWith("signing limit, ES256"))
                .anySatisfy(measure -> assertThat(measure).startsWith("realm sign-out").contains("rows durable after"))
                .anySatisfy(measure -> assertThat(measure).startsWith("realm sign-out").contains("end to end"))
                .anySatisfy(measure -> assertThat(measure).startsWith("one user's sessions")
                        .contains("delivery rate / RS256 signing limit"))
                .anySatisfy(measure -> assertThat(measure).startsWith("one user's sessions")
                        .contains("CPU ms per token, rows durable to last token"))
                .anySatisfy(measure -> assertThat(measure).startsWith("delivery only")
                        .contains("delivery rate, due to last token"))
                .anySatisfy(measure -> assertThat(measure).startsWith("ten relying parties, one hanging")
                        .contains("rate / one relying party's"));
    }
}
