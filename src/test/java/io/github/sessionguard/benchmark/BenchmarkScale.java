package io.github.sessionguard.benchmark;

/**
 * How big a benchmark run is. {@code full} is the run whose table goes to docs/benchmarks.md; {@code smoke} runs the
 * same code with a few hundred requests in the test suite, so that the benchmark keeps working, and judges nothing.
 */
record BenchmarkScale(
        String name,
        int refreshWorkers,
        int refreshWarmupPerWorker,
        int refreshRounds,
        int refreshPerSegment,
        int logoutRepetitions,
        int stockLogoutRepetitions,
        boolean compareWithStockSender,
        int massSessions,
        int massWarmupSessions,
        int massWarmupDeliveries,
        int signingLimitSeconds,
        int fanOutTokensPerClient,
        long deliveryOnlyLeadMillis,
        int scanSmallLive,
        int scanLargeLive,
        int scanExpiring,
        int scanCohorts,
        int idleSeconds,
        boolean profile) {

    static BenchmarkScale smoke() {
        return new BenchmarkScale("smoke", 2, 20, 1, 20, 1, 0, false, 50, 10, 10, 1, 5, 500, 20, 60, 5, 1, 5, false);
    }

    static BenchmarkScale full() {
        return new BenchmarkScale("full", 8, 400, 6, 150, 20, 3, true, 10_000, 10_000, 15_000, 5, 1_000, 2_000, 1_000,
                100_000, 100, 5, 60, true);
    }

    static BenchmarkScale fromSystemProperty() {
        return "full".equals(System.getProperty("sessionguard.benchmark.scale")) ? full() : smoke();
    }
}
