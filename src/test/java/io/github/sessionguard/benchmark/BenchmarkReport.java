package io.github.sessionguard.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table a benchmark run prints and writes to {@code target/benchmarks/}: one row per measured figure. */
final class BenchmarkReport {

    record Row(String scenario, String measure, String value, String target, String verdict) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final String scale;

    BenchmarkReport(String scale) {
        this.scale = scale;
    }

    void info(String scenario, String measure, String value) {
        rows.add(new Row(scenario, measure, value, "", ""));
    }

    /** A figure with a target; the verdict is only meaningful in a full run. */
    void target(String scenario, String measure, double value, String format, String target, boolean met) {
        rows.add(new Row(scenario, measure, String.format(Locale.ROOT, format, value), target,
                scale.equals("full") ? (met ? "met" : "MISSED") : "(smoke: not judged)"));
    }

    /** A scenario that could not finish: what went wrong, in place of its figures. */
    void failed(String scenario, String reason) {
        rows.add(new Row(scenario, "FAILED", reason.replace('|', '/').replace('\n', ' '), "", "FAILED"));
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    String markdown() {
        StringBuilder table = new StringBuilder();
        table.append("Run ").append(OffsetDateTime.now()).append(", scale ").append(scale).append(", ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores\n\n");
        table.append("| scenario | measure | value | target | verdict |\n|---|---|---|---|---|\n");
        for (Row row : rows) {
            table.append("| ").append(row.scenario()).append(" | ").append(row.measure()).append(" | ")
                    .append(row.value()).append(" | ").append(row.target()).append(" | ").append(row.verdict())
                    .append(" |\n");
        }
        return table.toString();
    }

    Path write(Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve("benchmark-" + scale + ".md");
            Files.writeString(file, markdown());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
