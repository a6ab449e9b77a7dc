package io.github.sessionguard.benchmark;

import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testprovider.ClockFactory;
import io.github.sessionguard.testprovider.SigningLimitFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Scenario C: thousands of logout tokens owed at once to a relying party that validates every one. A mass sign-out
 * takes two parts, which this measures apart: the time until its outbox rows are durable, and the delivery of them
 * from then on; and beside them, in the same run, the rate at which the server could sign the tokens on all its cores
 * (the limit no sender passes), the CPU each token cost Keycloak, the receiver and PostgreSQL, delivery alone from
 * rows written straight into the outbox, and the same with ten relying parties of which one hangs.
 */
final class MassDelivery {

    private static final String SCENARIO = "C mass delivery";
    private static final String REALM = "bench-mass";
    private static final String APP = "mass-app";
    /** The fan-out measure's relying parties, {@code rp-1} to {@code rp-10}; the last one hangs. */
    private static final int FAN_OUT_CLIENTS = 10;
    /** Past the sender's read timeout (15 s by default): every request to the hanging relying party runs into it. */
    private static final long HANG_MILLIS = 20_000;

    /** What the server measured of signing with one algorithm on all its cores. */
    private record Signing(String algorithm, double perSecond, int threads, double cpuMicrosPerToken) {

        /**
         * What the cores could sign if nothing else ran: on a shared machine the measured rate is lower, and this
         * says by how much.
         */
        double onFreeCores() {
            return threads * 1e6 / cpuMicrosPerToken;
        }
    }

    /**
     * One mass delivery, in epoch milliseconds: {@code start} the request (delivery only: when the rows were due and
     * committed), {@code durable} when every row was seen committed, {@code returned} when the request returned, the
     * first and last token's arrival; and CPU samples at the start, when the rows were durable, and once every token
     * had arrived.
     */
    private record Timeline(int tokens, long start, long durable, long returned, long first, long last,
            CpuMeter.Sample atStart, CpuMeter.Sample atDurable, CpuMeter.Sample atDelivered) {

        long durableMillis() {
            return durable - start;
        }

        long returnedMillis() {
            return returned - start;
        }

        long endToEndMillis() {
            return last - start;
        }

        /** From the moment the rows were durable: nothing can be sent before, so this is the sender's own rate. */
        double deliveryRate() {
            return tokens / (Math.max(last - durable, 1) / 1000.0);
        }

        /** The rate earlier runs reported, for comparison with them. */
        double firstToLastRate() {
            return tokens / (Math.max(last - first, 1) / 1000.0);
        }
    }

    private final BenchmarkEnvironment environment;
    private final KeycloakServer server;
    private final AdminApi admin;
    private final BenchmarkScale scale;
    private final BenchmarkReport report;
    private final StatementCounter statements;
    private final CpuMeter cpu;

    MassDelivery(BenchmarkEnvironment environment, AdminApi admin, BenchmarkScale scale, BenchmarkReport report) {
        this.environment = environment;
        this.server = environment.server();
        this.admin = admin;
        this.scale = scale;
        this.report = report;
        this.statements = environment.statements();
        this.cpu = environment.cpu();
    }

    void run() throws Exception {
        try (LogoutReceiver receiver = new LogoutReceiver(server, REALM)) {
            RealmFixture realm = BenchmarkRunner.benchmarkRealm(REALM);
            withBackchannelLogout(realm.publicClient(APP), receiver);
            List<String> fanOutClients = IntStream.rangeClosed(1, FAN_OUT_CLIENTS).mapToObj(i -> "rp-" + i).toList();
            fanOutClients.forEach(clientId -> withBackchannelLogout(realm.publicClient(clientId), receiver));
            realm.create(admin);
            try {
                addEs256Key();
                OidcClient app = OidcClient.publicClient(server, REALM, APP);
                warmUp(receiver, app);

                Signing rs256 = signingLimit("RS256");
                Signing es256 = signingLimit("ES256");
                report.info(SCENARIO, "signing limit: logout tokens the server signs per second on all cores, RS256"
                        + " (the realm's active key, the clients' algorithm); what its CPU per token allows on all"
                        + " cores, were they free", String.format(Locale.ROOT,
                        "%.0f/s on %d threads, %.2f ms CPU each; %.0f/s", rs256.perSecond(), rs256.threads(),
                        rs256.cpuMicrosPerToken() / 1000, rs256.onFreeCores()));
                report.info(SCENARIO, "signing limit, ES256 (a faster signer within reach? the relying party"
                        + " verifies it at a higher cost; the default stays the client's algorithm)",
                        String.format(Locale.ROOT, "%.0f/s, %.2f ms CPU each: %.2fx RS256", es256.perSecond(),
                                es256.cpuMicrosPerToken() / 1000, es256.perSecond() / rs256.perSecond()));

                StatementCounter.Count beforeLogins = statements.now();
                Set<String> sessions = BenchmarkRunner.loginMany(app, scale.massSessions());
                report.info("E database load", "SQL statements per login (client with back-channel logout)",
                        BenchmarkRunner.perUnit(statements.now().minus(beforeLogins), sessions.size()));
                warmUpDelivery(receiver);
                StatementCounter.Count beforeSignOut = statements.now();
                Timeline realmSignOut = signOut(receiver, sessions, "/admin/realms/" + REALM + "/logout-all");
                report.info("E database load", "SQL statements per session ended and told (realm sign-out)",
                        BenchmarkRunner.perUnit(statements.now().minus(beforeSignOut), sessions.size()));
                reportSignOut("realm sign-out (Sign out all active sessions)", realmSignOut, rs256, true);

                Set<String> userSessions = BenchmarkRunner.loginMany(app, scale.massSessions());
                Timeline userSignOut = signOut(receiver, userSessions, "/admin/realms/" + REALM + "/users/"
                        + admin.userId(REALM, USER) + "/logout");
                reportSignOut("one user's sessions (user sign-out)", userSignOut, rs256, false);

                Timeline deliveryOnly = deliveryOnly(receiver, rs256);
                fanOut(receiver, fanOutClients, deliveryOnly);
            } finally {
                admin.deleteRealm(REALM);
            }
        }
    }

    /**
     * New realms get RSA keys only. An ES256 key lets the run measure that algorithm too; the clients keep signing
     * with the realm's default, RS256, so delivery is unchanged.
     */
    private void addEs256Key() {
        ObjectNode component = Json.object().put("name", "benchmark-es256").put("providerId", "ecdsa-generated")
                .put("providerType", "org.keycloak.keys.KeyProvider")
                .put("parentId", admin.getJson("/admin/realms/" + REALM).get("id").asText());
        component.putObject("config").putArray("ecdsaEllipticCurveKey").add("P-256");
        HttpResult created = admin.post("/admin/realms/" + REALM + "/components", component);
        if (created.status() != 201) {
            throw new IllegalStateException("Could not add an ES256 key to " + REALM + ": " + created);
        }
    }

    /**
     * Not counted: a realm sign-out of as many sessions as the measured one, so that the measured ones find the
     * sign-out's own path, the connection pools and the caches warm. With a thousand sessions, the JIT's C2 compiler
     * still took about a sixth of the machine during the measured realm sign-out's delivery, compiling the sign-out's
     * batched writes (Hibernate's), Keycloak's session removal (Infinispan's) and the delivery path again (the
     * recording's {@code jdk.Compilation} and {@code jdk.ThreadCPULoad} events, run of 2026-12-07 20:01).
     */
    private void warmUp(LogoutReceiver receiver, OidcClient app) throws Exception {
        signOut(receiver, BenchmarkRunner.loginMany(app, scale.massWarmupSessions()),
                "/admin/realms/" + REALM + "/logout-all");
    }

    /**
     * Not counted, right before the first measured sign-out: rows written into the outbox and delivered, so that the
     * JIT has compiled the delivery path, as on a server that has been running. It compiles the JDK HTTP client's
     * exchange code only after about 10,000 exchanges, and recompiles parts of the path after the thousands of logins
     * that come before the sign-out (the recording's {@code jdk.Compilation} events); with the warm-up at the start
     * of the run only, its compiler took a fifth of the cores during the realm sign-out's delivery.
     */
    private void warmUpDelivery(LogoutReceiver receiver) {
        awaitDelivered(receiver, queue(receiver, List.of(APP), scale.massWarmupDeliveries()).sessions().get(APP),
                "the warm-up's logout tokens");
    }

    private Signing signingLimit(String algorithm) {
        HttpResult result = new Http(Duration.ofSeconds(scale.signingLimitSeconds() + 60L)).postJson(
                server.realmUrl(REALM) + "/" + SigningLimitFactory.ID + "/limit/" + algorithm + "?seconds="
                        + scale.signingLimitSeconds(), Json.object(), null);
        if (result.status() != 200) {
            throw new IllegalStateException("Measuring the " + algorithm + " signing limit failed: " + result);
        }
        JsonNode measured = result.json();
        return new Signing(algorithm, measured.get("perSecond").asDouble(), measured.get("threads").asInt(),
                measured.get("cpuMicrosPerToken").asDouble());
    }

    /**
     * The admin request that ends the sessions. Its outbox rows commit with its transaction, before it returns; they
     * are durable when a connection of the benchmark's own sees them all, and the request's return is reported too.
     */
    private Timeline signOut(LogoutReceiver receiver, Set<String> sessions, String path) {
        String realmId = admin.getJson("/admin/realms/" + REALM).get("id").asText();
        CpuMeter.Sample atStart = cpu.now();
        long start = System.currentTimeMillis();
        HttpResult signOut;
        CommitWatch.Moment durable;
        try (CommitWatch watch = CommitWatch.start(environment.jdbcUrl(), realmId, start, sessions.size(), cpu)) {
            // Keycloak removes a user's sessions one by one in the request; with thousands that takes minutes.
            signOut = admin.patient(Duration.ofMinutes(15)).post(path, null);
            // A user's sign-out answers 204; the realm's answers 200 with the result of telling its clients.
            if (signOut.status() / 100 != 2) {
                throw new IllegalStateException("Sign-out " + path + " failed: " + signOut);
            }
            durable = watch.await(60);
        }
        long returned = System.currentTimeMillis();
        awaitDelivered(receiver, sessions, "every logout token of " + path);
        CpuMeter.Sample atDelivered = cpu.now();
        LongSummaryStatistics arrivals = arrivals(receiver, sessions);
        return new Timeline(sessions.size(), start, durable.at(), returned, arrivals.getMin(), arrivals.getMax(),
                atStart, durable.cpu(), atDelivered);
    }

    private void reportSignOut(String how, Timeline timeline, Signing rs256, boolean realmTargets) {
        report.info(SCENARIO, timeline.tokens() + " sessions, " + how + ": first token, last token after the request",
                (timeline.first() - timeline.start()) + " ms, " + (timeline.last() - timeline.start()) + " ms");
        report.info(SCENARIO, how + ": the request returned after", timeline.returnedMillis() + " ms");
        String durable = how + ": rows durable after (all seen committed)";
        String endToEnd = how + ": end to end, request to last token";
        if (realmTargets) {
            report.target(SCENARIO, durable, timeline.durableMillis(), "%.0f ms", "<= 2000 ms",
                    timeline.durableMillis() <= 2_000);
            report.target(SCENARIO, endToEnd, timeline.endToEndMillis(), "%.0f ms", "<= 15000 ms",
                    timeline.endToEndMillis() <= 15_000);
        } else {
            report.info(SCENARIO, durable, timeline.durableMillis() + " ms");
            report.info(SCENARIO, endToEnd, timeline.endToEndMillis() + " ms");
        }
        reportDelivery(how, "rows durable to last token", timeline, rs256);
        report.info(SCENARIO, how + ": CPU ms per token, request to last token",
                timeline.atDelivered().perToken(timeline.atStart(), timeline.tokens()));
        report.info(SCENARIO, how + ": logout tokens per second, first to last token (earlier runs' measure)",
                String.format(Locale.ROOT, "%.0f/s", timeline.firstToLastRate()));
    }

    private void reportDelivery(String how, String from, Timeline timeline, Signing rs256) {
        double rate = timeline.deliveryRate();
        report.target(SCENARIO, how + ": delivery rate, " + from, rate, "%.0f/s", ">= 1000/s", rate >= 1_000);
        double ratio = rate / rs256.perSecond();
        report.target(SCENARIO, how + ": delivery rate / RS256 signing limit", ratio, "%.2fx", ">= 0.50x",
                ratio >= 0.5);
        report.info(SCENARIO, how + ": CPU ms per token, " + from,
                timeline.atDelivered().perToken(timeline.atDurable(), timeline.tokens()));
        report.info(SCENARIO, how + ": " + from + ", UTC (the window to read in the JFR recording)",
                Instant.ofEpochMilli(timeline.durable()) + " to " + Instant.ofEpochMilli(timeline.last()));
    }

    /** Delivery alone: rows written straight into the outbox, measured from when they fall due. */
    private Timeline deliveryOnly(LogoutReceiver receiver, Signing rs256) {
        Queued queued = queue(receiver, List.of(APP), scale.massSessions());
        Set<String> sessions = queued.sessions().get(APP);
        awaitDelivered(receiver, sessions, "every logout token of the rows written into the outbox");
        CpuMeter.Sample atDelivered = cpu.now();
        LongSummaryStatistics arrivals = arrivals(receiver, sessions);
        Timeline timeline = new Timeline(sessions.size(), queued.due(), queued.due(), queued.due(),
                arrivals.getMin(), arrivals.getMax(), queued.atDue(), queued.atDue(), atDelivered);
        String how = "delivery only (" + sessions.size() + " rows written into the outbox, due "
                + scale.deliveryOnlyLeadMillis() + " ms later)";
        report.info(SCENARIO, how + ": rows committed, first token, last token after the insert began",
                queued.committedMillis() + " ms, " + (timeline.first() - queued.began()) + " ms, "
                        + (timeline.last() - queued.began()) + " ms");
        reportDelivery(how, "due to last token", timeline, rs256);
        return timeline;
    }

    /**
     * Ten relying parties owed the same number of tokens at once, one of which hangs past the sender's read timeout:
     * the nine others must get theirs at nearly the rate one relying party alone gets (the delivery-only measure).
     */
    private void fanOut(LogoutReceiver receiver, List<String> clients, Timeline alone) {
        String hanging = clients.get(clients.size() - 1);
        receiver.behave(hanging, attempt -> new Reply(200, HANG_MILLIS));
        Queued queued = queue(receiver, clients, scale.fanOutTokensPerClient());
        Set<String> fast = new HashSet<>();
        queued.sessions().forEach((clientId, sessions) -> {
            if (!clientId.equals(hanging)) {
                fast.addAll(sessions);
            }
        });
        awaitDelivered(receiver, fast, "the nine fast relying parties' logout tokens");
        long last = arrivals(receiver, fast).getMax();
        double rate = fast.size() / (Math.max(last - queued.due(), 1) / 1000.0);
        String how = "ten relying parties, one hanging (answers after " + HANG_MILLIS + " ms), "
                + scale.fanOutTokensPerClient() + " tokens each";
        report.info(SCENARIO, how + ": the nine fast ones' last token after due, their rate",
                String.format(Locale.ROOT, "%d ms, %.0f/s", last - queued.due(), rate));
        double ratio = rate / alone.deliveryRate();
        report.target(SCENARIO, how + ": the nine fast ones' rate / one relying party's (delivery only)", ratio,
                "%.2fx", ">= 0.80x", ratio >= 0.8);
    }

    /**
     * Rows written into the outbox for the clients at once, {@code perClient} each, in one transaction; they fall due
     * the scale's lead after the insert began (2 s in a full run: time to commit 10,000 rows first). {@code due} is when they were both due and committed (should
     * the insert have taken longer than the lead), and {@code atDue} the CPU sample taken then.
     */
    private record Queued(Map<String, Set<String>> sessions, long began, long committedMillis, long due,
            CpuMeter.Sample atDue) {
    }

    private Queued queue(LogoutReceiver receiver, List<String> clientIds, int perClient) {
        String realmId = admin.getJson("/admin/realms/" + REALM).get("id").asText();
        List<OutboxRows.Client> clients = clientIds.stream().map(clientId -> new OutboxRows.Client(realmId,
                admin.clientUuid(REALM, clientId), clientId, receiver.urlFor(clientId))).toList();
        String userId = admin.userId(REALM, USER);
        // The outbox schedules by Keycloak's clock, which a test may have moved ahead of the machine's.
        long keycloakAhead = clockOffsetSeconds() * 1000L;
        long began = System.currentTimeMillis();
        long dueAt = began + scale.deliveryOnlyLeadMillis();
        Map<String, Set<String>> sessions = OutboxRows.insert(environment.jdbcUrl(), clients, perClient, userId,
                server.realmUrl(REALM), began + keycloakAhead, dueAt + keycloakAhead);
        long committed = System.currentTimeMillis();
        sleepUntil(dueAt);
        long due = Math.max(dueAt, committed);
        return new Queued(sessions, began, committed - began, due, cpu.now());
    }

    private long clockOffsetSeconds() {
        HttpResult offset = new Http().get(server.baseUrl() + ClockFactory.PATH, null);
        if (offset.status() != 200) {
            throw new IllegalStateException("Could not read the server's clock offset: " + offset);
        }
        return offset.json().get("offsetSeconds").asLong();
    }

    private static void sleepUntil(long epochMillis) {
        long wait = epochMillis - System.currentTimeMillis();
        if (wait > 0) {
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the rows to fall due", e);
            }
        }
    }

    /**
     * Waits until a token of every session has arrived. A token the receiver found invalid fails it at once: its
     * session would never count as told, and the wait would only run out.
     */
    private static void awaitDelivered(LogoutReceiver receiver, Set<String> sessions, String what) {
        Deadline.await(Duration.ofMinutes(10), what, () -> {
            Set<String> told = new HashSet<>();
            for (LogoutReceiver.Delivery delivery : receiver.deliveries()) {
                if (!delivery.valid()) {
                    throw new IllegalStateException("The receiver found a logout token to " + delivery.clientId()
                            + " invalid: " + delivery.error());
                }
                told.add(delivery.sid());
            }
            return told.containsAll(sessions);
        });
    }

    /** When the sessions' tokens arrived (epoch ms): the first, the last. */
    private static LongSummaryStatistics arrivals(LogoutReceiver receiver, Set<String> sessions) {
        return receiver.deliveries().stream().filter(delivery -> sessions.contains(delivery.sid()))
                .mapToLong(LogoutReceiver.Delivery::receivedAtMillis).summaryStatistics();
    }
}
