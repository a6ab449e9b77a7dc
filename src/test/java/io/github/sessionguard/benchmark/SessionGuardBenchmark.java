package io.github.sessionguard.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The full benchmark: {@code mvn -B verify -Pbenchmark}. Not part of the test suite; prints the table and writes it to
 * {@code target/benchmarks/benchmark-full.md}, with a flight recording of the server per scenario in
 * {@code target/benchmarks/jfr/}. A missed target is reported, not failed: the numbers are the product.
 */
@Tag("benchmark")
class SessionGuardBenchmark {

    @Test
    void measure() {
        BenchmarkReport report = BenchmarkRunner.runAndWrite(BenchmarkScale.fromSystemProperty());

        assertThat(report.rows()).isNotEmpty();
    }
}
