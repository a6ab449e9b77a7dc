package io.github.sessionguard.rotation;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.REDIRECT_URI;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RunsBesideOtherClasses;
import io.github.sessionguard.testing.TestRealm;
import io.github.sessionguard.testprovider.RequestFaultsFactory;
import io.github.sessionguard.testprovider.StoreFaultsFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Refresh-token rotation on the real server: single use, the grace window, and a replay that ends the whole session
 * and tells every relying party of it. Clients outside the tiers, or with rotation off, keep stock behaviour.
 */
@KeycloakIntegrationTest
@RunsBesideOtherClasses
class RefreshTokenRotationIT {

    private static final String REALM = "rotation";
    /** Long enough for a refresh and its retry on a loaded machine (3 s was tight), short enough to wait out. */
    private static final long GRACE = 10;
    /** How long the first refresh is held in flight: longer than the retry takes, shorter than the grace window. */
    private static final long IN_FLIGHT_MILLIS = 5_000;

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        withBackchannelLogout(fixture.publicClient("mobile"), receiver);
        withBackchannelLogout(fixture.confidentialClient("web", "web-secret"), receiver);
        withBackchannelLogout(fixture.publicClient("graceful"), receiver);
        // In tier medium (grace 10 s) through the tier scope, the README's way.
        withBackchannelLogout(fixture.publicClient("scoped"), receiver);
        fixture.tierScope("scoped", "session-tier-medium");
        fixture.publicClient("offline-app");
        fixture.publicClient("no-rotation");
        fixture.publicClient("outside");
        fixture.introspectingClient("introspector", "introspector-secret");
        // Most chains here start with the password grant, which the preset refuses in high and medium
        // (refuse-legacy-grants); rotation doesn't depend on how the session began. TokenHardeningIT tests the refusal.
        fixture.tierProfile("high", Map.of("tier", "high", "refuse-legacy-grants", false))
                .tierProfile("low", Map.of("tier", "low"))
                .tierProfile("offline", Map.of("tier", "low", "reuse-grace-period", 0))
                .tierProfile("graceful", Map.of("tier", "medium", "reuse-grace-period", GRACE,
                        "refuse-legacy-grants", false))
                .tierProfile("no-rotation", Map.of("tier", "high", "rotate-refresh-tokens", false,
                        "refuse-legacy-grants", false))
                .policyForClients("high-policy", "high", "mobile")
                .policyForClients("low-policy", "low", "web")
                .policyForClients("offline-policy", "offline", "offline-app")
                .policyForClients("graceful-policy", "graceful", "graceful")
                .policyForClients("no-rotation-policy", "no-rotation", "no-rotation");
    });

    private final KeycloakServer server = realm.server();
    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final OidcClient mobile = realm.client("mobile");
    private final OidcClient web = realm.client("web");
    private final OidcClient graceful = realm.client("graceful");
    private final OidcClient scoped = realm.client("scoped");
    private final OidcClient offline = realm.client("offline-app");
    private final OidcClient noRotation = realm.client("no-rotation");
    private final OidcClient outside = realm.client("outside");
    private final OidcClient introspector = realm.client("introspector");

    @BeforeEach
    @AfterEach
    void signOutEverywhere() {
        admin.post("/admin/realms/" + REALM + "/users/" + admin.userId(REALM, USER) + "/logout", null);
    }

    @Test
    void oldTokenAfterRotationIsRejected() {
        String first = mobile.login(USER, PASSWORD).get("refresh_token").asText();
        assertThat(mobile.refresh(first).status()).isEqualTo(200);

        HttpResult replay = mobile.refresh(first);

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void replayEndsTheWholeSessionAndEveryRelyingPartyHearsOfIt() {
        BrowserSession browser = new BrowserSession();
        JsonNode webTokens = web.exchangeCode(browser.loginForCode(web.authorizationUrl(REDIRECT_URI, "openid", Map.of()),
                USER, PASSWORD), REDIRECT_URI).json();
        JsonNode mobileTokens = mobile.exchangeCode(browser.loginForCode(
                mobile.authorizationUrl(REDIRECT_URI, "openid", Map.of()), USER, PASSWORD), REDIRECT_URI).json();
        String sessionId = Jwt.claims(mobileTokens.get("access_token").asText()).get("sid").asText();
        assertThat(Jwt.claims(webTokens.get("access_token").asText()).get("sid").asText()).isEqualTo(sessionId);
        String stolen = mobileTokens.get("refresh_token").asText();
        String family = Jwt.claims(stolen).get(RefreshTokenRotation.FAMILY_CLAIM).asText();
        JsonNode newest = mobile.refresh(stolen).json();

        HttpResult replay = mobile.refresh(stolen);

        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.json().get("error").asText()).isEqualTo("invalid_grant");
        // The legitimate holder's newest token and every other client's tokens from the session are dead.
        assertThat(mobile.refresh(newest.get("refresh_token").asText()).status()).isEqualTo(400);
        assertThat(web.refresh(webTokens.get("refresh_token").asText()).status()).isEqualTo(400);
        assertThat(introspector.introspect(newest.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(introspector.introspect(webTokens.get("access_token").asText()).get("active").asBoolean()).isFalse();
        assertThat(admin.userSessions(REALM, USER)).isEmpty();

        String userId = admin.userId(REALM, USER);
        for (String clientId : List.of("mobile", "web")) {
            List<LogoutReceiver.Delivery> delivered = Deadline.await(Duration.ofSeconds(30),
                    "a logout token for " + clientId, () -> receiver.deliveriesTo(clientId).stream()
                            .filter(d -> sessionId.equals(d.sid())).toList(), list -> !list.isEmpty());
            assertThat(delivered).singleElement().satisfies(d -> {
                assertThat(d.valid()).as(d.error()).isTrue();
                assertThat(d.sub()).isEqualTo(userId);
            });
        }

        JsonNode reuse = findEvent("REFRESH_TOKEN_ERROR", e -> "refresh_token_reused".equals(e.path("error").asText())
                && sessionId.equals(e.path("sessionId").asText()));
        assertThat(reuse.get("clientId").asText()).isEqualTo("mobile");
        assertThat(reuse.get("details").get("token_family").asText()).isEqualTo(family);
        JsonNode logout = findEvent("LOGOUT", e -> sessionId.equals(e.path("sessionId").asText()));
        assertThat(logout.get("details").get("reason").asText()).isEqualTo("refresh_token_reused");

        String metrics = new Http().get(server.managementUrl() + "/metrics", null).body();
        assertThat(metrics).containsPattern(
                "session_guard_refresh_token_reuse_total\\{[^}]*client_id=\"mobile\"[^}]*realm=\"rotation\"[^}]*} [1-9]");
    }

    @Test
    void retryWithinGraceSucceedsAndARetryAfterItRevokes() {
        String first = graceful.login(USER, PASSWORD).get("refresh_token").asText();
        long rotatedAt = System.currentTimeMillis() / 1000;
        assertThat(graceful.refresh(first).status()).isEqualTo(200);

        HttpResult retry = graceful.refresh(first);
        assertThat(retry.status()).as("retry within %s s of the rotation: %s", GRACE, retry).isEqualTo(200);
        String familyContinues = retry.json().get("refresh_token").asText();
        assertThat(graceful.refresh(familyContinues).status()).isEqualTo(200);

        Deadline.awaitEpochSecondPassed(rotatedAt + GRACE + 1, "the grace period to pass");
        HttpResult late = graceful.refresh(first);
        assertThat(late.status()).isEqualTo(400);
        assertThat(late.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(admin.userSessions(REALM, USER)).isEmpty();
    }

    @Test
    void theTokenOfTheLostResponseIsSpentByTheRetry() {
        String first = graceful.login(USER, PASSWORD).get("refresh_token").asText();
        String lost = graceful.refresh(first).json().get("refresh_token").asText();
        assertThat(graceful.refresh(first).status()).as("the retry within the grace period").isEqualTo(200);

        HttpResult useOfTheLostToken = graceful.refresh(lost);

        assertThat(useOfTheLostToken.status()).isEqualTo(400);
        assertThat(useOfTheLostToken.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(admin.userSessions(REALM, USER)).as("a replay ends the session").isEmpty();
    }

    @Test
    void anOlderTokenWithinTheGracePeriodIsAReplay() {
        String first = graceful.login(USER, PASSWORD).get("refresh_token").asText();
        String second = graceful.refresh(first).json().get("refresh_token").asText();
        assertThat(graceful.refresh(second).status()).as("the client went on with the token it got").isEqualTo(200);

        HttpResult older = graceful.refresh(first);

        assertThat(older.status()).as("%s is not the token exchanged last", "first").isEqualTo(400);
        assertThat(admin.userSessions(REALM, USER)).isEmpty();
    }

    /**
     * A mobile app gives up waiting for a slow refresh and retries with the same token while the first request is
     * still running: within the grace period that is the retry grace exists for, and the session lives on.
     */
    @Test
    void aRetryWhileTheFirstRequestIsStillInFlightKeepsTheSession() throws Exception {
        String first = graceful.login(USER, PASSWORD).get("refresh_token").asText();
        Path inFlight = Files.createTempDirectory("in-flight").resolve("signal");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResult> slow = pool.submit(() -> graceful.refresh(first,
                    Map.of(RequestFaultsFactory.DELAY_HEADER, String.valueOf(IN_FLIGHT_MILLIS),
                            RequestFaultsFactory.SIGNAL_FILE_HEADER, inFlight.toString())));
            Deadline.await(Duration.ofSeconds(10), "the first refresh to have rotated its token and be held",
                    () -> Files.exists(inFlight));

            HttpResult retry = graceful.refresh(first);

            assertThat(retry.status()).as("the retry while the first request is in flight: %s", retry).isEqualTo(200);
            assertThat(slow.get().status()).as("the slow request completes too").isEqualTo(200);
            assertThat(graceful.refresh(retry.json().get("refresh_token").asText()).status())
                    .as("the retry's token carries the session on").isEqualTo(200);
            assertThat(admin.userSessions(REALM, USER)).isNotEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    /** A refresh that fails after the tier rotated its token leaves the token unspent: the app's retry works. */
    @Test
    void aRefreshThatFailsDoesNotSpendTheToken() {
        String first = mobile.login(USER, PASSWORD).get("refresh_token").asText();

        HttpResult failed = mobile.refresh(first, Map.of(RequestFaultsFactory.FAIL_HEADER, "true"));
        assertThat(failed.status()).as(failed.toString()).isEqualTo(500);

        HttpResult retry = mobile.refresh(first);
        assertThat(retry.status()).as("grace 0, yet the failed request spent nothing: %s", retry).isEqualTo(200);
        assertThat(admin.userSessions(REALM, USER)).isNotEmpty();
        assertThat(mobile.refresh(first).status()).as("once the retry succeeded, the token is spent").isEqualTo(400);
    }

    /**
     * The grace record can't be written (the single-use store fails): the app is told to retry later (503), its token
     * stays unspent, and the retry with the same token is a retry, never a replay: the session lives, no relying party
     * is told, no replay is recorded. Once with the tier by client policy, once by the tier scope.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"graceful", "scoped"})
    void aGraceRecordTheStoreCantWriteIsA503AndTheRetryWorks(String clientId) {
        OidcClient app = clientId.equals("graceful") ? graceful : scoped;
        String first = clientId.equals("graceful") ? app.login(USER, PASSWORD).get("refresh_token").asText()
                : app.exchangeCode(new BrowserSession().loginForCode(app.authorizationUrl(REDIRECT_URI, "openid",
                        Map.of()), USER, PASSWORD), REDIRECT_URI).json().get("refresh_token").asText();
        String sessionId = Jwt.claims(first).get("sid").asText();

        HttpResult failed = app.refresh(first, Map.of(StoreFaultsFactory.FAIL_GRACE_WRITE_HEADER, "true"));

        assertThat(failed.status()).as(failed.toString()).isEqualTo(503);
        assertThat(failed.json().get("error").asText()).isEqualTo("temporarily_unavailable");
        HttpResult retry = app.refresh(first);
        assertThat(retry.status()).as("the retry with the same token: %s", retry).isEqualTo(200);
        assertThat(app.refresh(retry.json().get("refresh_token").asText()).status())
                .as("the retry's token carries the session on").isEqualTo(200);
        assertThat(admin.userSessions(REALM, USER)).extracting(s -> s.get("id").asText()).contains(sessionId);
        assertThat(admin.events(REALM, "REFRESH_TOKEN_ERROR")).as("no replay recorded").noneMatch(event ->
                sessionId.equals(event.path("sessionId").asText())
                        && RefreshTokenRotation.REUSE_ERROR.equals(event.path("error").asText()));

        // Control: the path to this relying party is alive; the one logout token it gets is the admin's sign-out's.
        signOutEverywhere();
        Deadline.await(Duration.ofSeconds(30), "the sign-out's logout token for " + clientId,
                () -> receiver.deliveriesTo(clientId).stream().anyMatch(d -> sessionId.equals(d.sid())));
        assertThat(receiver.deliveriesTo(clientId).stream().filter(d -> sessionId.equals(d.sid())))
                .as("logout tokens for the session").hasSize(1);
    }

    /**
     * Keycloak 26.7.3's own "Revoke Refresh Token" lets a token be replayed within the second it was used
     * (keycloak/keycloak#50999): it compares timestamps. Rotation here is keyed by the token's id.
     */
    @Test
    void aRefreshTokenUsedTwiceWithinTheSameSecondIsAReplay() {
        for (int attempt = 0; attempt < 3; attempt++) {
            String token = mobile.login(USER, PASSWORD).get("refresh_token").asText();
            Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000, "the start of a fresh second");
            long second = System.currentTimeMillis() / 1000;
            HttpResult used = mobile.refresh(token);
            HttpResult replay = mobile.refresh(token);
            if (System.currentTimeMillis() / 1000 != second) {
                continue; // the two requests straddled a second; try again for a clean case
            }
            assertThat(used.status()).isEqualTo(200);
            assertThat(replay.status()).as("a replay in the same second: %s", replay).isEqualTo(400);
            assertThat(replay.json().get("error").asText()).isEqualTo("invalid_grant");
            assertThat(admin.userSessions(REALM, USER)).isEmpty();
            return;
        }
        throw new AssertionError("Two refreshes never fit in one second on this machine");
    }

    @Test
    void twentyParallelRefreshesWithOneTokenGiveExactlyOneSuccess() throws Exception {
        String token = mobile.login(USER, PASSWORD).get("refresh_token").asText();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return mobile.refresh(token).status();
                }));
            }
            start.countDown();
            List<Integer> results = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                results.add(status.get());
            }
            assertThat(results).filteredOn(status -> status == 200).hasSize(1);
            assertThat(results).filteredOn(status -> status == 400).hasSize(19);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void forgedOrTamperedOrForeignTokensLeaveTheSessionAlive() {
        String genuine = mobile.login(USER, PASSWORD).get("refresh_token").asText();
        String[] parts = genuine.split("\\.");
        String tamperedPayload = parts[0] + "." + flipMiddleChar(parts[1]) + "." + parts[2];
        String forgedSignature = parts[0] + "." + parts[1] + "." + flipMiddleChar(parts[2]);

        assertThat(mobile.refresh(tamperedPayload).status()).isEqualTo(400);
        assertThat(mobile.refresh(forgedSignature).status()).isEqualTo(400);
        assertThat(mobile.refresh("not-a-token").status()).isEqualTo(400);
        // Presented by another client, the genuine token is refused and not spent.
        assertThat(web.refresh(genuine).status()).isEqualTo(400);
        assertThat(OidcClient.publicClient(server, "master", "admin-cli").refresh(genuine).status()).isEqualTo(400);

        assertThat(admin.userSessions(REALM, USER)).isNotEmpty();
        assertThat(mobile.refresh(genuine).status()).isEqualTo(200);
    }

    @Test
    void offlineTokensRotateAndAReplayEndsTheOfflineSession() {
        JsonNode tokens = offline.passwordGrant(USER, PASSWORD, "openid offline_access").json();
        String first = tokens.get("refresh_token").asText();
        assertThat(Jwt.claims(first).get("typ").asText()).isEqualTo("Offline");
        String second = offline.refresh(first).json().get("refresh_token").asText();
        assertThat(admin.offlineSessions(REALM, USER, "offline-app")).isNotEmpty();

        assertThat(offline.refresh(first).status()).isEqualTo(400);

        assertThat(offline.refresh(second).status()).isEqualTo(400);
        assertThat(admin.offlineSessions(REALM, USER, "offline-app")).isEmpty();
    }

    @Test
    void clientOutsideTheTiersKeepsStockBehaviour() {
        String first = outside.login(USER, PASSWORD).get("refresh_token").asText();

        assertThat(outside.refresh(first).status()).isEqualTo(200);
        assertThat(outside.refresh(first).status()).as("stock Keycloak: no rotation unless the realm asks").isEqualTo(200);
        assertThat(Jwt.claims(first).has(RefreshTokenRotation.FAMILY_CLAIM)).isFalse();
    }

    @Test
    void tierWithRotationOffKeepsStockBehaviour() {
        String first = noRotation.login(USER, PASSWORD).get("refresh_token").asText();

        assertThat(noRotation.refresh(first).status()).isEqualTo(200);
        assertThat(noRotation.refresh(first).status()).isEqualTo(200);
    }

    private JsonNode findEvent(String type, java.util.function.Predicate<JsonNode> matches) {
        return Deadline.await(Duration.ofSeconds(10), "a " + type + " event", () -> {
            for (JsonNode event : admin.events(REALM, type)) {
                if (matches.test(event)) {
                    return event;
                }
            }
            return null;
        }, event -> event != null);
    }

    /** Changes one character in the middle: the last one of a base64url part may carry only padding bits. */
    private static String flipMiddleChar(String text) {
        int middle = text.length() / 2;
        char changed = text.charAt(middle) == 'A' ? 'B' : 'A';
        return text.substring(0, middle) + changed + text.substring(middle + 1);
    }
}
