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
import io.github.sessionguard.testing.TestSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The outbox across the server's own life: crashes (SIGKILL), a stop, and {@code kc.sh export} run on its database,
 * on a durable database: PostgreSQL, or H2 writing every commit at once.
 * This class runs a server of its own, since it kills and stops it. Retries come every second here
 * ({@code max-backoff-ms}), so a notification due during the export would be tried then if anything delivered.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutboxLifecycleIT {

    private static final String REALM = "lifecycle";
    private static final int SESSIONS = 3;
    private static final String DATABASE = TestSettings.get("sessionguard.it.db", "h2");
    /**
     * A durable H2: every commit written to its file at once. start-dev's default H2 writes commits up to half a
     * second later, so a crash loses the newest ones (problem 12: this class's first test failed so on the default
     * H2, and holds on this one); the guarantee on trial here is Session Guard's, which holds wherever the database
     * keeps what it committed.
     */
    static final String WRITE_EVERY_COMMIT = "--db-url-properties=;WRITE_DELAY=0";

    private DistributionKeycloakServer server;
    private LogoutReceiver receiver;
    private AdminApi admin;

    @BeforeAll
    void startServer() {
        server = DistributionKeycloakServer.start(DATABASE.equals("h2")
                ? List.of("--spi-session-guard-outbox--default--max-backoff-ms=1000", WRITE_EVERY_COMMIT)
                : List.of("--spi-session-guard-outbox--default--max-backoff-ms=1000"));
        receiver = new LogoutReceiver(server, REALM);
        admin = new AdminApi(server);
        RealmFixture realm = new RealmFixture(REALM);
        withBackchannelLogout(realm.publicClient("app"), receiver);
        withBackchannelLogout(realm.publicClient("refusing"), receiver);
        realm.create(admin);
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

    @Test
    @Order(1)
    void notificationsPendingAtACrashAreDeliveredAfterTheRestart() {
        OidcClient app = OidcClient.publicClient(server, REALM, "app");
        receiver.behave("app", attempt -> new Reply(503, 0));
        Set<String> sessions = new HashSet<>();
        for (int i = 0; i < SESSIONS; i++) {
            String refreshToken = app.login(USER, PASSWORD).get("refresh_token").asText();
            sessions.add(Jwt.claims(refreshToken).get("sid").asText());
            assertThat(app.logout(refreshToken).status()).isEqualTo(204);
        }
        Deadline.await(Duration.ofSeconds(30), "a first (refused) try for every session",
                () -> sessionsOf(receiver.deliveriesTo("app")).containsAll(sessions));
        assertThat(rows("pending")).hasSize(SESSIONS);

        server.crash();
        receiver.behave("app", attempt -> Reply.ok());
        server.restart();

        Deadline.await(Duration.ofSeconds(120), "every pending notification to be delivered after the restart",
                () -> sessionsOf(accepted("app")).containsAll(sessions));
        assertThat(accepted("app")).allSatisfy(d -> assertThat(d.valid()).as(d.error()).isTrue());
    }

    /**
     * Problem 11: a stop waits for the delivery in flight (answered 4 s after it arrived) and records it, so it is
     * never sent again; and {@code kc.sh export}, run while the server is down, delivers nothing, though a
     * notification is due every second.
     */
    @Test
    @Order(2)
    void aStopWaitsForTheDeliveryInFlightAndExportDeliversNothing(@org.junit.jupiter.api.io.TempDir Path exportDir) {
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

        receiver.behave("refusing", attempt -> Reply.ok());
        server.restart();
        JsonNode delivered = rows("delivered").stream().filter(row -> row.get("jti").asText().equals(inFlight.jti()))
                .findFirst().orElse(null);
        assertThat(delivered).as("the notification in flight at the stop, recorded as delivered").isNotNull();
        assertThat(delivered.get("attempts").asInt()).isEqualTo(1);
        assertThat(receiver.deliveriesTo("app").stream().filter(d -> inFlight.jti().equals(d.jti()))).hasSize(1);
    }

    /**
     * Problem 12: a crash within milliseconds of the logouts' commits loses no notification on a durable database:
     * every session is told, none is alive again.
     */
    @Test
    @Order(3)
    void aCrashRightAfterTheLogoutsLosesNoNotification() {
        CrashRightAfterLogouts.Outcome outcome = CrashRightAfterLogouts.run(server, receiver,
                OidcClient.publicClient(server, REALM, "app"), SESSIONS);

        assertThat(outcome.revived()).as("logouts the database lost in the crash").isEmpty();
        assertThat(outcome.told()).hasSize(SESSIONS);
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
