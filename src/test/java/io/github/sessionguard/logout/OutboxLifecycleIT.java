package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.DistributionKeycloakServer;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.LogoutReceiver.Reply;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.RunsItsOwnServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox across the server's own life: crashes (SIGKILL), a stop, and {@code kc.sh export} run on its database.
 * This class runs a server of its own, since it kills and stops it; each test starts it again if another left it
 * down. It runs on PostgreSQL only: what is on trial is Session Guard's, which holds wherever the database keeps what
 * it committed (start-dev's H2 doesn't, see docs/delivery.md). Retries come every second here
 * ({@code max-backoff-ms}), so a notification due during the export would be tried then if anything delivered. A
 * stop waits up to 30 s for deliveries in flight ({@code stop-grace-ms}), longer than the slowest answer here.
 */
@RunsItsOwnServers
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxLifecycleIT {

    private static final String REALM = "lifecycle";
    private static final int SESSIONS = 3;
    /** More than a lone client's share of the slots (three quarters of 32). */
    private static final int SLOW_SESSIONS = 30;

    private DistributionKeycloakServer server;
    private LogoutReceiver receiver;
    private AdminApi admin;

    @BeforeAll
    void startServer() {
        server = DistributionKeycloakServer.start(List.of("--spi-session-guard-outbox--default--max-backoff-ms=1000",
                "--spi-session-guard-outbox--default--stop-grace-ms=30000"));
        receiver = new LogoutReceiver(server, REALM);
        admin = new AdminApi(server);
        RealmFixture realm = new RealmFixture(REALM);
        withBackchannelLogout(realm.publicClient("app"), receiver);
        withBackchannelLogout(realm.publicClient("refusing"), receiver);
        withBackchannelLogout(realm.publicClient("held"), receiver);
        withBackchannelLogout(realm.publicClient("slow"), receiver);
        realm.create(admin);
    }

    /** A test that ends with the server stopped runs last (the order only saves a start): the others start it. */
    @BeforeEach
    void serverRuns() {
        if (!server.running()) {
            server.restart();
        }
    }

    @AfterAll
    void stopServer() {
        if (receiver != null) {
            receiver.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /**
     * Notifications already tried and refused when the server is killed, (issue 20) those whose tokens were signed and
     * sent but whose answers had not come back (nor been recorded), and (problem 12) those whose logouts committed
     * within milliseconds of the kill: after the restart every session is told, none is alive again, and a token cut
     * off in flight is sent again with its jti once its claim has run out.
     */
    @Test
    @Order(1)
    void aCrashLosesNeitherPendingNorInFlightNorJustCommittedNotifications() {
        OidcClient app = OidcClient.publicClient(server, REALM, "app");
        receiver.behave("app", attempt -> new Reply(503, 0));
        Set<String> pending = new HashSet<>();
        for (int i = 0; i < SESSIONS; i++) {
            String refreshToken = app.login(USER, PASSWORD).get("refresh_token").asText();
            pending.add(Jwt.claims(refreshToken).get("sid").asText());
            assertThat(app.logout(refreshToken).status()).isEqualTo(204);
        }
        Deadline.await(Duration.ofSeconds(30), "a first (refused) try for every session",
                () -> sessionsOf(receiver.deliveriesTo("app")).containsAll(pending));
        assertThat(rows("pending")).hasSize(SESSIONS);
        OidcClient held = OidcClient.publicClient(server, REALM, "held");
        receiver.behave("held", attempt -> attempt <= SESSIONS ? new Reply(200, 120_000) : Reply.ok());
        Set<String> inFlight = new HashSet<>();
        for (int i = 0; i < SESSIONS; i++) {
            String refreshToken = held.login(USER, PASSWORD).get("refresh_token").asText();
            inFlight.add(Jwt.claims(refreshToken).get("sid").asText());
            assertThat(held.logout(refreshToken).status()).isEqualTo(204);
        }
        Deadline.await(Duration.ofSeconds(30), "every held token signed and sent, its answer held back",
                () -> sessionsOf(receiver.deliveriesTo("held")).containsAll(inFlight));
        Map<String, String> jtiBySession = receiver.deliveriesTo("held").stream()
                .collect(Collectors.toMap(Delivery::sid, Delivery::jti));

        CrashRightAfterLogouts.Outcome justCommitted = CrashRightAfterLogouts.run(server, receiver, app, SESSIONS);

        assertThat(justCommitted.revived()).as("logouts the database lost in the crash").isEmpty();
        assertThat(justCommitted.told()).hasSize(SESSIONS);
        Deadline.await(Duration.ofSeconds(120), "every notification pending at the crash to be delivered",
                () -> sessionsOf(accepted("app")).containsAll(pending));
        assertThat(accepted("app")).allSatisfy(d -> assertThat(d.valid()).as(d.error()).isTrue());
        Deadline.await(Duration.ofSeconds(120), "every token cut off in flight sent again once its claim ran out",
                () -> inFlight.stream().allMatch(sid -> receiver.deliveriesTo("held").stream()
                        .filter(d -> sid.equals(d.sid())).count() == 2));
        assertThat(receiver.deliveriesTo("held")).as("sent again with the jti of the try the crash cut off")
                .allSatisfy(d -> assertThat(d.jti()).isEqualTo(jtiBySession.get(d.sid())));
        Deadline.await(Duration.ofSeconds(30), "the second tries recorded", () -> rows("delivered").stream()
                .filter(row -> row.get("clientId").asText().equals("held")).count() == SESSIONS);
    }

    /**
     * Problem 11: a stop waits for the delivery in flight (answered 4 s after it arrived) and records it, so it is
     * never sent again; and {@code kc.sh export}, run while the server is down, delivers nothing, though a
     * notification is due every second. The rows are read from the database, with the server still down. Issue 20: a
     * slow client has more rows due than its share of the slots, so the node holds some claimed and unsent at the
     * stop; the stop gives them back (no claim left on them), for any node to send at once rather than after the lease.
     */
    @Test
    @Order(2)
    void aStopWaitsForTheDeliveryInFlightAndExportDeliversNothing(@TempDir Path exportDir) throws SQLException {
        receiver.behave("slow", attempt -> new Reply(200, 12_000));
        OidcClient slow = OidcClient.publicClient(server, REALM, "slow");
        List<String> slowTokens = new ArrayList<>();
        for (int i = 0; i < SLOW_SESSIONS; i++) {
            slowTokens.add(slow.login(USER, PASSWORD).get("refresh_token").asText());
        }
        slowTokens.forEach(token -> assertThat(slow.logout(token).status()).isEqualTo(204));
        Deadline.await(Duration.ofSeconds(30), "the slow client's slots to fill",
                () -> receiver.deliveriesTo("slow").size() >= 16);
        receiver.behave("app", attempt -> new Reply(200, 4_000));
        receiver.behave("refusing", attempt -> new Reply(503, 0));
        OidcClient refusing = OidcClient.publicClient(server, REALM, "refusing");
        assertThat(refusing.logout(refusing.login(USER, PASSWORD).get("refresh_token").asText()).status())
                .isEqualTo(204);
        Deadline.await(Duration.ofSeconds(30), "the refusing client to be tried",
                () -> !receiver.deliveriesTo("refusing").isEmpty());
        OidcClient app = OidcClient.publicClient(server, REALM, "app");
        String refreshToken = app.login(USER, PASSWORD).get("refresh_token").asText();
        String sid = Jwt.claims(refreshToken).get("sid").asText();
        assertThat(app.logout(refreshToken).status()).isEqualTo(204);
        Delivery inFlight = Deadline.await(Duration.ofSeconds(30), "the delivery to arrive (it is answered in 4 s)",
                () -> receiver.deliveriesTo("app").stream().filter(d -> sid.equals(d.sid())).findFirst().orElse(null),
                d -> d != null);

        server.stop();
        int triesBeforeExport = receiver.deliveriesTo("refusing").size();
        assertThat(server.export(REALM, exportDir, Duration.ofMinutes(3))).as("kc.sh export's exit code").isZero();

        assertThat(exportDir.resolve(REALM + "-realm.json")).exists();
        assertThat(receiver.deliveriesTo("refusing")).as("tries while only kc.sh export ran")
                .hasSize(triesBeforeExport);
        try (Connection database = DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
                PreparedStatement row = database.prepareStatement(
                        "select status, attempts from sg_logout_outbox where jti = ?")) {
            row.setString(1, inFlight.jti());
            ResultSet recorded = row.executeQuery();
            assertThat(recorded.next()).as("the notification in flight at the stop").isTrue();
            assertThat(recorded.getString("status")).as("its status").isEqualTo("DELIVERED");
            assertThat(recorded.getInt("attempts")).as("its tries").isEqualTo(1);
        }
        assertThat(receiver.deliveriesTo("app").stream().filter(d -> inFlight.jti().equals(d.jti()))).hasSize(1);
        try (Connection database = DriverManager.getConnection(server.jdbcUrl(), "postgres", "postgres");
                PreparedStatement rows = database.prepareStatement("select status, claim_token from sg_logout_outbox"
                        + " where client_client_id = 'slow'")) {
            ResultSet slowRows = rows.executeQuery();
            int delivered = 0;
            int unsent = 0;
            while (slowRows.next()) {
                if (slowRows.getString("status").equals("DELIVERED")) {
                    delivered++;
                } else {
                    assertThat(slowRows.getString("status")).as("an unsent row's status").isEqualTo("PENDING");
                    assertThat(slowRows.getString("claim_token")).as("an unsent row's claim, after the stop").isNull();
                    unsent++;
                }
            }
            assertThat(delivered).as("the slow client's tries, each answered within the stop's grace")
                    .isEqualTo(receiver.deliveriesTo("slow").size());
            assertThat(unsent).as("rows the stop found claimed and unsent").isEqualTo(SLOW_SESSIONS - delivered)
                    .isPositive();
        }
    }

    private List<Delivery> accepted(String clientId) {
        return receiver.deliveriesTo(clientId).stream().filter(Delivery::accepted).toList();
    }

    private List<JsonNode> rows(String status) {
        return StreamSupport.stream(admin.getJson("/admin/realms/" + REALM + "/session-guard/deliveries?status="
                + status + "&max=1000").spliterator(), false).toList();
    }

    private static Set<String> sessionsOf(List<Delivery> deliveries) {
        Set<String> sids = new HashSet<>();
        deliveries.forEach(d -> sids.add(d.sid()));
        return sids;
    }
}
