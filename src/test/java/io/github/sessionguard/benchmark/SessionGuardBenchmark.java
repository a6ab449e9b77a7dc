package io.github.sessionguard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The full benchmark: {@code mvn -B verify -Pbenchmark}. Not part of the test suite; prints the table and writes it to
 * {@code target/benchmarks/benchmark-full.md}, with a flight recording of the server per scenario in
 * {@code target/benchmarks/jfr/}. A missed target is reported, not failed: the numbers are the product.
 */
class SessionGuardBenchmark {

    @Test
    void measure() throws Exception {
        BenchmarkScale scale = BenchmarkScale.fromSystemProperty();
        try (BenchmarkEnvironment environment = BenchmarkEnvironment.start(scale)) {
            BenchmarkReport report = new BenchmarkRunner(environment, scale).run();
            Path written = report.write(Path.of("target", "benchmarks"));
            System.out.println(report.markdown());
            System.out.println("Written to " + written.toAbsolutePath());
            assertThat(report.rows()).isNotEmpty();
        }
    }
}
