package io.github.sessionguard.benchmark;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.SsoSession;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's scenarios against the real server, with real HTTP: A refresh overhead, B logout under slow relying
 * parties, C mass delivery, D expiry-scan cost. Every figure is a ratio or rate measured in one run on one machine.
 */
final class BenchmarkRunner {

    /**
     * Benchmark realms hash passwords with one PBKDF2 round: logging in 100,000 sessions would otherwise take most of
     * an hour of password hashing, which is not what any scenario measures.
     */
    private static final String CHEAP_PASSWORD_HASHING = "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)";

    private final BenchmarkEnvironment environment;
    private final KeycloakServer server;
    private final AdminApi admin;
    private final BenchmarkScale scale;
    private final BenchmarkReport report;
    private final StatementCounter statements;

    /** Starts the benchmark's PostgreSQL and Keycloak, runs the scenarios, writes the table, and stops everything. */
    static BenchmarkReport runAndWrite(BenchmarkScale scale) {
        try (BenchmarkEnvironment environment = BenchmarkEnvironment.start(scale)) {
            BenchmarkReport report = new BenchmarkRunner(environment, scale).run();
            Path written = report.write(Path.of("target", "benchmarks"));
            System.out.println(report.markdown());
            System.out.println("Written to " + written.toAbsolutePath());
            return report;
        }
    }

    BenchmarkRunner(BenchmarkEnvironment environment, BenchmarkScale scale) {
        this.environment = environment;
        this.server = environment.server();
        this.admin = new AdminApi(server);
        this.scale = scale;
        this.report = new BenchmarkReport(scale.name());
        this.statements = environment.statements();
    }

    /**
     * Runs the scenarios {@code -Dsessionguard.benchmark.only=A,C} names (all by default). A scenario that fails is a
     * row of the report saying so; the others still run, and the report is always written.
     */
    BenchmarkReport run() {
        scenario("A", "A refresh", "A-refresh", this::refreshOverhead);
        scenario("B", "B logout", "B-logout", this::logoutUnderSlowRelyingParties);
        scenario("C", "C mass delivery", "C-mass-delivery", this::massDelivery);
        scenario("D", "D expiry scan", "D-expiry-scan", this::expiryScanCost);
        scenario("E", "E database load", "E-idle", this::idleDatabaseLoad);
        return report;
    }

    private void scenario(String letter, String title, String recording, Profiler.Scenario scenario) {
        String only = System.getProperty("sessionguard.benchmark.only", "");
        if (!only.isBlank() && !List.of(only.toUpperCase(java.util.Locale.ROOT).split(",")).contains(letter)) {
            return;
        }
        try {
            environment.profiler().record(recording, scenario);
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            report.failed(title, e.toString());
        }
    }

    static RealmFixture benchmarkRealm(String name) {
        return new RealmFixture(name).set("passwordPolicy", CHEAP_PASSWORD_HASHING);
    }

    /** Statements per unit of work, all of them and Session Guard's, as one report value. */
    static String perUnit(StatementCounter.Count count, double units) {
        return String.format(java.util.Locale.ROOT, "%.2f (Session Guard %.2f)", count.all() / units,
                count.sessionGuard() / units);
    }

    // A. Refresh overhead: three clients, interleaved segments, after a warm-up.
    private void refreshOverhead() throws Exception {
        RealmFixture realm = benchmarkRealm("bench-refresh");
        realm.publicClient("outside");
        realm.publicClient("high");
        // The chains start with the password grant, which the preset refuses in high (refuse-legacy-grants); the
        // refresh grants measured don't depend on how the session began.
        realm.tierProfile("high", Map.of("tier", "high", "refuse-legacy-grants", false))
                .policyForClients("high-policy", "high", "high");
        realm.create(admin);
        RealmFixture stockRealm = benchmarkRealm("bench-refresh-stock").set("revokeRefreshToken", true)
                .set("refreshTokenMaxReuse", 0);
        stockRealm.publicClient("stock");
        stockRealm.create(admin);
        try {
            List<OidcClient> clients = List.of(OidcClient.publicClient(server, "bench-refresh", "outside"),
                    OidcClient.publicClient(server, "bench-refresh", "high"),
                    OidcClient.publicClient(server, "bench-refresh-stock", "stock"));
            List<Stats> stats = List.of(new Stats(), new Stats(), new Stats());
            StatementCounter.Count[] sql = {new StatementCounter.Count(0, 0), new StatementCounter.Count(0, 0),
                    new StatementCounter.Count(0, 0)};
            ExecutorService pool = Executors.newFixedThreadPool(scale.refreshWorkers());
            try {
                List<String[]> chains = new ArrayList<>();
                for (int worker = 0; worker < scale.refreshWorkers(); worker++) {
                    String[] chain = new String[clients.size()];
                    for (int c = 0; c < clients.size(); c++) {
                        chain[c] = clients.get(c).login(USER, PASSWORD).get("refresh_token").asText();
                    }
                    chains.add(chain);
                }
                for (int c = 0; c < clients.size(); c++) {
                    segment(pool, clients.get(c), c, chains, scale.refreshWarmupPerWorker(), null);
                }
                for (int round = 0; round < scale.refreshRounds(); round++) {
                    for (int c = 0; c < clients.size(); c++) {
                        StatementCounter.Count before = statements.now();
                        segment(pool, clients.get(c), c, chains, scale.refreshPerSegment(), stats.get(c));
                        StatementCounter.Count used = statements.now().minus(before);
                        sql[c] = new StatementCounter.Count(sql[c].all() + used.all(),
                                sql[c].sessionGuard() + used.sessionGuard());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            String[] names = {"outside every tier", "tier high (rotation)", "stock Revoke Refresh Token"};
            for (int c = 0; c < names.length; c++) {
                report.info("A refresh", names[c] + ": throughput, p50, p99", String.format(java.util.Locale.ROOT,
                        "%.0f/s, %.1f ms, %.1f ms", stats.get(c).perSecond(), stats.get(c).percentileMillis(50),
                        stats.get(c).percentileMillis(99)));
            }
            double refreshes = (double) scale.refreshRounds() * scale.refreshPerSegment() * scale.refreshWorkers();
            for (int c = 0; c < names.length; c++) {
                report.info("E database load", "SQL statements per refresh, " + names[c], perUnit(sql[c], refreshes));
            }
            double throughputRatio = stats.get(1).perSecond() / stats.get(0).perSecond();
            double p99Ratio = stats.get(1).percentileMillis(99) / stats.get(0).percentileMillis(99);
            report.target("A refresh", "tier high / outside: throughput", throughputRatio, "%.2fx", ">= 0.95x",
                    throughputRatio >= 0.95);
            report.target("A refresh", "tier high / outside: p99", p99Ratio, "%.2fx", "<= 1.10x", p99Ratio <= 1.10);
            report.info("A refresh", "stock rotation / outside: throughput, p99", String.format(java.util.Locale.ROOT,
                    "%.2fx, %.2fx", stats.get(2).perSecond() / stats.get(0).perSecond(),
                    stats.get(2).percentileMillis(99) / stats.get(0).percentileMillis(99)));
        } finally {
            admin.deleteRealm("bench-refresh");
            admin.deleteRealm("bench-refresh-stock");
        }
    }

    /** Every worker refreshes its own chain {@code count} times; the segment's wall time counts for throughput. */
    private static void segment(ExecutorService pool, OidcClient client, int clientIndex, List<String[]> chains,
            int count, Stats stats) throws Exception {
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (String[] chain : chains) {
            running.add(pool.submit(() -> {
                for (int i = 0; i < count; i++) {
                    long begin = System.nanoTime();
                    HttpResult result = client.refresh(chain[clientIndex]);
                    long took = System.nanoTime() - begin;
                    if (result.status() != 200) {
                        throw new IllegalStateException("Refresh failed for " + client.clientId() + ": " + result);
                    }
                    chain[clientIndex] = result.json().get("refresh_token").asText();
                    if (stats != null) {
                        stats.add(took);
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        if (stats != null) {
            stats.addWall(System.nanoTime() - start);
        }
    }

    // B. RP-initiated logout with 1, 3 and 10 relying parties that each take 2 s.
    private void logoutUnderSlowRelyingParties() {
        measureLogouts(server, "outbox", scale.logoutRepetitions());
        if (scale.compareWithStockSender()) {
            measureLogouts(environment.startStockSender(), "stock sender", scale.stockLogoutRepetitions());
        }
    }

    private void measureLogouts(KeycloakServer server, String sender, int repetitions) {
        AdminApi admin = new AdminApi(server);
        BenchmarkReport into = report;
        String realmName = "bench-logout";
        try (LogoutReceiver receiver = new LogoutReceiver(server, realmName)) {
            RealmFixture realm = benchmarkRealm(realmName);
            List<OidcClient> clients = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                String clientId = "rp-" + i;
                withBackchannelLogout(realm.confidentialClient(clientId, clientId + "-secret"), receiver);
                clients.add(new OidcClient(server, realmName, clientId, clientId + "-secret"));
                receiver.behave(clientId, attempt -> new Reply(200, 2_000));
            }
            realm.create(admin);
            try {
                for (int parties : new int[] {1, 3, 10}) {
                    Stats latency = new Stats();
                    Stats lastToken = new Stats();
                    for (int rep = 0; rep < repetitions; rep++) {
                        SsoSession sso = SsoSession.loginTo(clients.subList(0, parties).toArray(OidcClient[]::new));
                        long start = System.currentTimeMillis();
                        long begin = System.nanoTime();
                        HttpResult logout = clients.get(0).logout(sso.refreshToken("rp-1"));
                        latency.add(System.nanoTime() - begin);
                        if (logout.status() != 204) {
                            throw new IllegalStateException("Logout failed: " + logout);
                        }
                        String sid = sso.sessionId();
                        Deadline.await(Duration.ofSeconds(120), "every logout token of the session",
                                () -> receiver.deliveries().stream().filter(d -> sid.equals(d.sid())).count() >= parties);
                        long last = receiver.deliveries().stream().filter(d -> sid.equals(d.sid()))
                                .mapToLong(LogoutReceiver.Delivery::receivedAtMillis).max().orElseThrow();
                        lastToken.add((last - start) * 1_000_000L);
                    }
                    String measure = parties + " slow RP" + (parties > 1 ? "s" : "") + ", " + sender;
                    if (sender.equals("outbox")) {
                        into.target("B logout", measure + ": logout p95", latency.percentileMillis(95), "%.0f ms",
                                "< 100 ms", latency.percentileMillis(95) < 100);
                        into.target("B logout", measure + ": last token after", lastToken.maxMillis(), "%.0f ms",
                                "<= 3000 ms", lastToken.maxMillis() <= 3_000);
                    } else {
                        into.info("B logout", measure + ": logout p95, last token after", String.format(
                                java.util.Locale.ROOT, "%.0f ms, %.0f ms", latency.percentileMillis(95),
                                lastToken.maxMillis()));
                    }
                }
            } finally {
                admin.deleteRealm(realmName);
            }
        }
    }

    // C. Mass delivery: many sessions ended at once, delivered to a fast receiver.
    private void massDelivery() throws Exception {
        new MassDelivery(environment, admin, scale, report).run();
    }

    // D. Expiry scan cost with few versus many live sessions, the same sessions expiring in both.
    private void expiryScanCost() throws Exception {
        ScanCost small = scanCost(scale.scanSmallLive());
        ScanCost large = scanCost(scale.scanLargeLive());
        for (ScanCost cost : List.of(small, large)) {
            report.info("D expiry scan", "with " + cost.live() + " live sessions: scans that found expiring"
                    + " sessions, mean, longest",
                    String.format(java.util.Locale.ROOT, "%d, %.1f ms, %.1f ms", cost.scans(),
                            cost.meanSeconds() * 1000, cost.maxSeconds() * 1000));
            report.info("D expiry scan", "with " + cost.live() + " live sessions: SQL statements per scan",
                    perUnit(cost.statements(), cost.scans()));
        }
        double ratio = large.meanSeconds() / small.meanSeconds();
        report.target("D expiry scan", "mean scan time, large / small", ratio, "%.2fx", "<= 2x", ratio <= 2);
        double statementRatio = (double) large.statements().all() / large.scans()
                / ((double) small.statements().all() / small.scans());
        report.info("D expiry scan", "SQL statements per scan, large / small",
                String.format(java.util.Locale.ROOT, "%.2fx", statementRatio));
    }

    /**
     * The scans that found expiring sessions (timer {@code work=due}) while the same cohorts of expiring sessions are
     * found and told, with {@code live} other sessions around. Statements are those of the whole windows (scans, the
     * outbox poll, and the delivery of the logout tokens), per scan that worked.
     */
    private record ScanCost(int live, long scans, double meanSeconds, double maxSeconds,
            StatementCounter.Count statements) {
    }

    /** Live sessions (no tier), then cohorts of expiring ones (20 s tier idle), one after the other. */
    private ScanCost scanCost(int live) throws Exception {
        String realmName = "bench-scan-" + live;
        try (LogoutReceiver receiver = new LogoutReceiver(server, realmName)) {
            RealmFixture realm = benchmarkRealm(realmName);
            withBackchannelLogout(realm.publicClient("live-app"), receiver);
            withBackchannelLogout(realm.publicClient("expiring-app"), receiver);
            realm.tierProfile("short", Map.of("tier", "high", "idle-timeout", 20, "access-token-lifespan", 10,
                            "refuse-legacy-grants", false))
                    .policyForClients("short-policy", "short", "expiring-app");
            realm.create(admin);
            try {
                loginMany(OidcClient.publicClient(server, realmName, "live-app"), live);
                long scans = 0;
                double seconds = 0;
                double longest = 0;
                StatementCounter.Count used = new StatementCounter.Count(0, 0);
                for (int cohort = 0; cohort < scale.scanCohorts(); cohort++) {
                    Set<String> expiring = loginMany(OidcClient.publicClient(server, realmName, "expiring-app"),
                            scale.scanExpiring());
                    double[] before = scanTimer();
                    StatementCounter.Count statementsBefore = statements.now();
                    Deadline.await(Duration.ofSeconds(120), "the expiring sessions' logout tokens",
                            () -> delivered(receiver).containsAll(expiring));
                    double[] after = scanTimer();
                    StatementCounter.Count window = statements.now().minus(statementsBefore);
                    used = new StatementCounter.Count(used.all() + window.all(),
                            used.sessionGuard() + window.sessionGuard());
                    scans += Math.round(after[0] - before[0]);
                    seconds += after[1] - before[1];
                    longest = Math.max(longest, after[2]);
                }
                if (scans == 0) {
                    throw new IllegalStateException("No expiry scan found the expiring sessions");
                }
                return new ScanCost(live, scans, seconds / scans, longest, used);
            } finally {
                admin.deleteRealm(realmName);
            }
        }
    }

    // E. What an idle node asks of the database: the outbox poll and the expiry scan, with nothing to do.
    private void idleDatabaseLoad() throws Exception {
        StatementCounter.Count before = statements.now();
        long start = System.nanoTime();
        Thread.sleep(Duration.ofSeconds(scale.idleSeconds()).toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        report.info("E database load", "SQL statements per second, idle node",
                perUnit(statements.now().minus(before), seconds));
    }

    /** {count, total seconds, recent maximum seconds} of the scans that found due sessions, at /metrics. */
    private double[] scanTimer() {
        String metrics = new Http().get(server.managementUrl() + "/metrics", null).body();
        return new double[] {metric(metrics, "session_guard_expiry_scan_seconds_count"),
                metric(metrics, "session_guard_expiry_scan_seconds_sum"),
                metric(metrics, "session_guard_expiry_scan_seconds_max")};
    }

    private static double metric(String metrics, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*work=\"due\"[^}]*} ([0-9.eE+-]+)$")
                .matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    static Set<String> loginMany(OidcClient client, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> sessions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                sessions.add(pool.submit(() -> {
                    JsonNode tokens = client.login(USER, PASSWORD);
                    return Jwt.claims(tokens.get("access_token").asText()).get("sid").asText();
                }));
            }
            Set<String> ids = new HashSet<>();
            for (Future<String> session : sessions) {
                ids.add(session.get());
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Set<String> delivered(LogoutReceiver receiver) {
        Set<String> sids = new HashSet<>();
        receiver.deliveries().forEach(d -> sids.add(d.sid()));
        return sids;
    }
}
