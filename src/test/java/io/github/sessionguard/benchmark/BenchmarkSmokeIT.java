package io.github.sessionguard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's code on a few hundred requests, in the test suite, so that it keeps working. It judges no target
 * (a shared CI machine can't), but every scenario must produce its figures.
 */
@KeycloakIntegrationTest
class BenchmarkSmokeIT {

    @Test
    void everyScenarioProducesItsFigures(KeycloakServer server) throws Exception {
        BenchmarkReport report = new BenchmarkRunner(server, BenchmarkScale.smoke()).run();
        report.write(Path.of("target", "benchmarks"));

        assertThat(report.rows()).extracting(BenchmarkReport.Row::scenario)
                .contains("A refresh", "B logout", "C mass delivery", "D expiry scan");
        assertThat(report.rows()).allSatisfy(row -> assertThat(row.value()).doesNotContain("NaN"));
    }
}
