package io.github.sessionguard.benchmark;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time used so far by the three parties of a delivery, so that a scenario can say what each token cost each of
 * them: Keycloak's JVM and PostgreSQL from Linux's {@code /proc/<pid>/stat} (user plus system time, in clock ticks),
 * the receiver from the test JVM's own process CPU less that of the benchmark's own threads, which only start requests
 * and poll (the receiver's pool threads can't be told apart by name from the test's other pools, but nothing else in
 * the test JVM works while a delivery is measured). The benchmark's threads are those that take samples: a sign-out's
 * rows are seen durable on a watching thread, its tokens delivered on the main one, and the CPU of each is counted
 * from the same start in every sample, so that a window between two threads' samples subtracts only what the
 * benchmark's threads did within it. (Subtracting only the sampling thread's own CPU, as the meter first did, took
 * the main thread's whole set-up out of such a window: the receiver's share read 0.02 and -0.02 ms per token.)
 *
 * <p>PostgreSQL is the postmaster and its children, every backend among them: the postmaster's own time, the time of
 * its live children, and the time of the children it has reaped (a closed connection's backend), so that a connection
 * closed between two samples still counts. With a PostgreSQL whose processes this machine's {@code /proc} doesn't
 * show (a container), its share is unknown.
 */
final class CpuMeter {

    /** CPU nanoseconds so far of each party; PostgreSQL's is empty when its processes can't be read. */
    record Sample(long keycloak, long receiver, OptionalLong postgres) {

        /** What each party used from {@code earlier} to this sample, in milliseconds per token. */
        String perToken(Sample earlier, int tokens) {
            return String.format(Locale.ROOT, "Keycloak %.2f, receiver %.2f, PostgreSQL %s",
                    (keycloak - earlier.keycloak) / 1e6 / tokens, (receiver - earlier.receiver) / 1e6 / tokens,
                    postgres.isPresent() && earlier.postgres.isPresent()
                            ? String.format(Locale.ROOT, "%.2f",
                                    (postgres.getAsLong() - earlier.postgres.getAsLong()) / 1e6 / tokens)
                            : "unknown (its processes are not on this machine's /proc)");
        }
    }

    private static final Path PROC = Path.of("/proc");

    private final long keycloakPid;
    private final OptionalLong postmasterPid;
    private final long nanosPerTick;
    private final com.sun.management.OperatingSystemMXBean testJvm =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** CPU nanoseconds of each thread that has taken a sample, as last read: a thread that ended keeps its last. */
    private final Map<Long, Long> benchmarkThreads = new ConcurrentHashMap<>();

    /**
     * @param keycloak the server's JVM
     * @param jdbcUrl  a database of the PostgreSQL to measure; its postmaster is found as the parent of this
     *                 connection's backend
     */
    CpuMeter(ProcessHandle keycloak, String jdbcUrl) {
        this.keycloakPid = keycloak.pid();
        this.postmasterPid = postmaster(jdbcUrl);
        this.nanosPerTick = 1_000_000_000L / clockTicksPerSecond();
    }

    /** Call it from the benchmark's own threads only: the caller's CPU is counted as the benchmark's from now on. */
    Sample now() {
        long process = testJvm.getProcessCpuTime();
        benchmarkThreads.put(Thread.currentThread().getId(), threads.getCurrentThreadCpuTime());
        long benchmark = 0;
        for (Map.Entry<Long, Long> thread : benchmarkThreads.entrySet()) {
            long cpu = threads.getThreadCpuTime(thread.getKey());
            if (cpu >= 0) {
                thread.setValue(cpu);
            }
            benchmark += thread.getValue();
        }
        long receiver = process - benchmark;
        long keycloak = ticks(keycloakPid, false) * nanosPerTick;
        OptionalLong postgres = OptionalLong.empty();
        if (postmasterPid.isPresent()) {
            long pid = postmasterPid.getAsLong();
            long ticks = ticks(pid, true);
            ticks += ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children)
                    .mapToLong(child -> ticks(child.pid(), true)).sum();
            postgres = OptionalLong.of(ticks * nanosPerTick);
        }
        return new Sample(keycloak, receiver, postgres);
    }

    /**
     * User and system ticks of a process from {@code /proc/<pid>/stat} (fields 14 and 15), and with
     * {@code reapedChildren} those of its children it has waited for (16 and 17); 0 for a process gone meanwhile.
     */
    private static long ticks(long pid, boolean reapedChildren) {
        String stat;
        try {
            stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.US_ASCII);
        } catch (IOException gone) {
            return 0;
        }
        // The command name (field 2) is in parentheses and may hold spaces; field 3 starts after the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return reapedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
    }

    /** The parent of this connection's backend, if this machine's /proc shows it as a postgres process. */
    private static OptionalLong postmaster(String jdbcUrl) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", "postgres");
             Statement statement = connection.createStatement();
             ResultSet backend = statement.executeQuery("SELECT pg_backend_pid()")) {
            backend.next();
            Path stat = PROC.resolve(Long.toString(backend.getLong(1))).resolve("stat");
            if (!Files.isReadable(stat)) {
                return OptionalLong.empty();
            }
            String fields = Files.readString(stat, StandardCharsets.US_ASCII);
            long parent = Long.parseLong(fields.substring(fields.lastIndexOf(')') + 2).split(" ")[1]);
            String command = Files.readString(PROC.resolve(Long.toString(parent)).resolve("comm")).trim();
            return command.startsWith("postgres") ? OptionalLong.of(parent) : OptionalLong.empty();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("Could not find PostgreSQL's processes through " + jdbcUrl + ": "
                    + e.getMessage(), e);
        }
    }

    /** The kernel's USER_HZ, the unit of /proc's times. */
    private static long clockTicksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String output = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (getconf.waitFor() != 0) {
                throw new IllegalStateException("getconf CLK_TCK failed: " + output);
            }
            return Long.parseLong(output);
        } catch (IOException e) {
            throw new IllegalStateException("Could not run getconf CLK_TCK (the benchmark reads CPU times from /proc)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
