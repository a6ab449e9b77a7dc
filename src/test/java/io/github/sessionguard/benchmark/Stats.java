package io.github.sessionguard.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latencies of one measured series, in nanoseconds, and what a benchmark table reports of them. */
final class Stats {

    private final List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
    private long wallNanos;

    void add(long latencyNanos) {
        nanos.add(latencyNanos);
    }

    void addWall(long elapsedNanos) {
        wallNanos += elapsedNanos;
    }

    int count() {
        return nanos.size();
    }

    double perSecond() {
        return wallNanos == 0 ? 0 : count() / (wallNanos / 1e9);
    }

    double percentileMillis(double percentile) {
        List<Long> sorted;
        synchronized (nanos) {
            sorted = new ArrayList<>(nanos);
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1e6;
    }

    double maxMillis() {
        return percentileMillis(100);
    }
}
