package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.KeycloakServer.SCAN_AND_DELIVERY;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import io.github.sessionguard.testprovider.AdminRequestFaultsFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problem 7: a realm sign-out tells exactly the sessions it removed, committed with them. A login that lands while
 * the sign-out request is still in flight (after Keycloak removed the realm's sessions, before the request commits)
 * keeps its session, and its relying party hears nothing about it.
 */
@KeycloakIntegrationTest
@AlsoOnH2
class RealmSignOutIT {

    private static final String REALM = "realm-sign-out";
    /** Every delivery poll (1 s) and a batch's send well inside it: a wrong token for the survivor would be here. */
    private static final Duration DUPLICATE_WINDOW = Duration.ofSeconds(15);

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        withBackchannelLogout(fixture.confidentialClient("app", "app-secret"), receiver);
        withBackchannelLogout(fixture.confidentialClient("offline-app", "offline-app-secret"), receiver);
    });

    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final OidcClient app = realm.client("app");
    private final OidcClient offlineApp = realm.client("offline-app");

    @Test
    void aLoginThatLandsDuringTheSignOutIsNeitherToldNorEnded(@TempDir Path signals) throws Exception {
        String removed = Jwt.claims(app.login(RealmFixture.USER, RealmFixture.PASSWORD).get("refresh_token").asText())
                .get("sid").asText();
        Path paused = signals.resolve("sign-out");
        CompletableFuture<HttpResult> signOut = CompletableFuture.supplyAsync(() -> admin.post(
                "/admin/realms/" + REALM + "/logout-all", null,
                Map.of(AdminRequestFaultsFactory.PAUSE_FILE_HEADER, paused.toString())));
        Deadline.await(Duration.ofSeconds(30), "the sign-out to remove the sessions and pause before it commits",
                () -> Files.exists(paused) || signOut.isDone());
        assertThat(signOut).as("the sign-out request, which must still be in flight").isNotDone();

        String survivorRefreshToken = app.login(RealmFixture.USER, RealmFixture.PASSWORD).get("refresh_token")
                .asText();
        String survivor = Jwt.claims(survivorRefreshToken).get("sid").asText();
        go(paused);
        assertThat(signOut.get(60, TimeUnit.SECONDS).status()).isEqualTo(200);

        Delivery told = Deadline.await(Duration.ofSeconds(30), "the removed session's logout token",
                () -> tokensFor(removed).stream().findFirst().orElse(null), d -> d != null);
        long windowEnds = told.receivedAtMillis() + DUPLICATE_WINDOW.toMillis();
        Deadline.await(DUPLICATE_WINDOW.plusSeconds(5), "the window for a wrong or second token to pass",
                () -> System.currentTimeMillis() > windowEnds);
        assertThat(tokensFor(removed)).as("logout tokens for the removed session").hasSize(1)
                .allSatisfy(d -> assertThat(d.valid()).as(d.error()).isTrue());
        assertThat(tokensFor(survivor)).as("logout tokens for the session that logged in meanwhile").isEmpty();
        assertThat(app.refresh(survivorRefreshToken).status()).as("the survivor's refresh").isEqualTo(200);

        assertThat(admin.delete("/admin/realms/" + REALM + "/sessions/" + survivor).status()).isEqualTo(204);
        Deadline.await(Duration.ofSeconds(30), "the survivor's own logout token, when it does end",
                () -> tokensFor(survivor).size() == 1);
    }

    /**
     * Keycloak's sign-out removes the offline sessions with the online ones (measured on 26.7.3): a client that held
     * both twins is told once, for the sid it knows, with the sign-out's reason. It was told a second time, as
     * {@code session_expired}, when the scan next looked at the offline participation (here made due at once by an
     * update of the client, as a tier change does).
     */
    @Test
    void theOfflineTwinEndsWithTheSignOutAndItsClientIsToldOnce() {
        SsoSession sso = SsoSession.loginTo(app).alsoLogIn(offlineApp, "openid offline_access");
        String sid = sso.sessionId();

        assertThat(admin.post("/admin/realms/" + REALM + "/logout-all", null).status()).isEqualTo(200);
        Deadline.await(Duration.ofSeconds(30), "the sign-out's logout token to offline-app",
                () -> tokensFor("offline-app", sid).size() == 1);
        String clientPath = "/admin/realms/" + REALM + "/clients/" + admin.clientUuid(REALM, "offline-app");
        JsonNode client = admin.getJson(clientPath);
        assertThat(admin.put(clientPath, ((ObjectNode) client.deepCopy()).put("description", "looked at again"))
                .status()).isEqualTo(204);
        long windowEnds = System.currentTimeMillis() + SCAN_AND_DELIVERY.toMillis();
        Deadline.await(SCAN_AND_DELIVERY.plusSeconds(5), "a scan and a delivery after the offline part is due",
                () -> System.currentTimeMillis() > windowEnds);

        assertThat(tokensFor("offline-app", sid)).as("logout tokens to offline-app for its sid").hasSize(1);
        assertThat(tokensFor("app", sid)).as("logout tokens to app, which had the online session only").hasSize(1);
        assertThat(tokensFor("offline-app", sid).get(0).valid()).isTrue();
        assertThat(StreamSupport.stream(admin.getJson("/admin/realms/" + REALM
                        + "/session-guard/deliveries?status=delivered&max=1000").spliterator(), false)
                .filter(row -> sid.equals(row.get("userSessionId").asText())).map(row -> row.get("reason").asText()))
                .as("the reasons delivered for the session").containsOnly("realm_sign_out");
        assertThat(offlineApp.refresh(sso.refreshToken("offline-app")).status())
                .as("the offline token's refresh after the sign-out").isEqualTo(400);
    }

    private List<Delivery> tokensFor(String clientId, String sid) {
        return receiver.deliveriesTo(clientId).stream().filter(d -> sid.equals(d.sid())).toList();
    }

    private List<Delivery> tokensFor(String sid) {
        return receiver.deliveriesTo("app").stream().filter(d -> sid.equals(d.sid())).toList();
    }

    private static void go(Path paused) throws IOException {
        Files.writeString(Path.of(paused + ".go"), "go");
    }
}
