package io.github.sessionguard.benchmark;

import io.github.sessionguard.testing.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Java Flight Recording of the server per scenario (full runs only), so that a missed target comes with the profile
 * that shows where the time went: {@code jcmd <pid> JFR.start} before, {@code JFR.stop} with a file after.
 */
interface Profiler {

    /** Runs the scenario, recorded as {@code <name>.jfr} when profiling. */
    void record(String name, Scenario scenario) throws Exception;

    @FunctionalInterface
    interface Scenario {
        void run() throws Exception;
    }

    static Profiler none() {
        return (name, scenario) -> scenario.run();
    }

    static Profiler flightRecorder(ProcessHandle serverJvm, Path directory) {
        return (name, scenario) -> {
            Files.createDirectories(directory);
            jcmd(serverJvm, "JFR.start", "name=" + name, "settings=profile");
            try {
                scenario.run();
            } finally {
                jcmd(serverJvm, "JFR.stop", "name=" + name,
                        "filename=" + directory.resolve(name + ".jfr").toAbsolutePath());
            }
        };
    }

    private static void jcmd(ProcessHandle jvm, String... arguments) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(), String.valueOf(jvm.pid())));
        command.addAll(List.of(arguments));
        Commands.run(command);
    }
}
