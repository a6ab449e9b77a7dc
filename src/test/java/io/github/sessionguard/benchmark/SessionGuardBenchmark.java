package io.github.sessionguard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The full benchmark: {@code mvn -B verify -Pbenchmark}. Not part of the test suite; prints the table and writes it to
 * {@code target/benchmarks/benchmark-full.md}. A missed target is reported, not failed: the numbers are the product.
 */
@KeycloakIntegrationTest
class SessionGuardBenchmark {

    @Test
    void measure(KeycloakServer server) throws Exception {
        BenchmarkReport report = new BenchmarkRunner(server, BenchmarkScale.fromSystemProperty()).run();
        Path written = report.write(Path.of("target", "benchmarks"));
        System.out.println(report.markdown());
        System.out.println("Written to " + written.toAbsolutePath());
        assertThat(report.rows()).isNotEmpty();
    }
}
