package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Every death path against one session of every kind of client an administrator really has, asserting exactly who
 * is told, once each, with which reason, counted after the window in which a duplicate could still arrive.
 *
 * <p>Every session holds: {@code conf} (confidential, back-channel URL), {@code pub} (public, back-channel URL, tier
 * high: rotation, revocation ends the session), {@code no-url} (confidential, tier high, no back-channel URL),
 * {@code front} (back-channel URL but front-channel logout on), {@code offline} (back-channel URL, holds an offline
 * session too). Beside it, {@code service} gets a client-credentials token each time (a transient session, never
 * told). The tier-deadline and replay tests add their own client. The realm's SSO Session Max is short, so that a
 * participation left behind shows up as a second, {@code session_expired}, token within the window; the tests run
 * side by side, all at once, each with its own user (the realm sign-out in a realm of its own), to keep that wait to
 * one window for the whole class. It runs on both servers: on PostgreSQL with Keycloak's SSF feature on (in no realm
 * of its own), and on H2 with it off, so the matrix holds with and without it (SharedSignalsIT has the signals).
 */
@KeycloakIntegrationTest
@AlsoOnH2
@Execution(ExecutionMode.CONCURRENT)
class DeathMatrixIT {

    static final String REALM = "death-matrix";
    static final long SSO_MAX = 45;
    /** Login, then Keycloak's expiry of what was left, a scan and a delivery, and 5 s to spare: nothing more comes. */
    static final Duration DUPLICATE_WINDOW = Duration.ofSeconds(SSO_MAX).plus(KeycloakServer.SCAN_AND_DELIVERY)
            .plusSeconds(5);
    private static final String[] USERS = {"rp-logout", "session-delete", "user-signout", "password-reset",
            "disable", "delete", "realm-signout", "replay", "replay-detach", "replay-offline", "replay-low", "revocation",
            "tier-idle", "tier-max", "expiry", "session-limit"};

    @RegisterExtension
    static final TestRealm sharedRealm = matrixRealm(REALM, USERS);
    @RegisterExtension
    static final TestRealm signedOutRealm = matrixRealm(REALM + "-sign-out", "realm-signout");

    private final AdminApi admin = sharedRealm.admin();
    /** Where every death but the realm sign-out happens, side by side, each to its own user. */
    private final MatrixRealm shared = new MatrixRealm(sharedRealm);
    /** The realm sign-out ends every session of its realm: it gets a realm of its own, so nothing waits for it. */
    private final MatrixRealm signedOut = new MatrixRealm(signedOutRealm);

    @Test
    void rpInitiatedLogout() {
        Matrix m = login("rp-logout");

        assertThat(client("conf").logout(m.sso.refreshToken("conf")).status()).isEqualTo(204);

        m.assertTold(Map.of("conf", "logout", "pub", "logout", "offline", "logout"));
    }

    @Test
    void adminDeletesTheSession() {
        Matrix m = login("session-delete");

        assertThat(admin.delete(realmPath("/sessions/" + m.sso.sessionId())).status()).isEqualTo(204);

        m.assertTold(Map.of("conf", "logout", "pub", "logout", "offline", "logout"));
    }

    @Test
    void adminSignsTheUserOut() {
        Matrix m = login("user-signout");

        assertThat(admin.post(realmPath("/users/" + m.sso.userId() + "/logout"), null).status()).isEqualTo(204);

        m.assertTold(Map.of("conf", "logout", "pub", "logout", "offline", "logout"));
    }

    @Test
    void adminResetsThePassword() {
        Matrix m = login("password-reset");

        assertThat(admin.put(realmPath("/users/" + m.sso.userId() + "/reset-password"), Json.object()
                .put("type", "password").put("value", "password-reset-password").put("temporary", false)).status())
                .isEqualTo(204);

        m.assertTold(Map.of("conf", "credential_changed", "pub", "credential_changed", "offline",
                "credential_changed"));
    }

    @Test
    void adminDisablesTheUser() {
        Matrix m = login("disable");
        JsonNode user = admin.getJson(realmPath("/users/" + m.sso.userId()));

        assertThat(admin.put(realmPath("/users/" + m.sso.userId()), ((ObjectNode) user.deepCopy())
                .put("enabled", false)).status()).isEqualTo(204);

        m.assertTold(Map.of("conf", "user_disabled", "pub", "user_disabled", "offline", "user_disabled"));
    }

    /** Problem 1: a tier client without a back-channel URL in the session made the deletion fail with a 500. */
    @Test
    void adminDeletesTheUser() {
        Matrix m = login("delete");

        assertThat(admin.delete(realmPath("/users/" + m.sso.userId())).status()).isEqualTo(204);

        m.assertTold(Map.of("conf", "user_deleted", "pub", "user_deleted", "offline", "user_deleted"));
    }

    /** Signs out every session of its realm, a realm of its own. */
    @Test
    void realmSignsOutAllSessions() {
        Matrix m = signedOut.login("realm-signout");

        assertThat(admin.post(signedOut.path("/logout-all"), null).status()).isEqualTo(200);

        m.assertTold(Map.of("conf", "realm_sign_out", "pub", "realm_sign_out", "offline", "realm_sign_out"));
    }

    @Test
    void replayWithSessionRevocation() {
        Matrix m = login("replay");
        String first = m.sso.refreshToken("pub");
        assertThat(client("pub").refresh(first).status()).isEqualTo(200);

        assertThat(client("pub").refresh(first).status()).isEqualTo(400);

        m.assertTold(Map.of("conf", "refresh_token_reused", "pub", "refresh_token_reused", "offline",
                "refresh_token_reused"));
    }

    /**
     * A replayed offline token ends the offline session and its online twin at once: every relying party of either is
     * told once, for the replay, and none hears of the online session later as an expiry.
     */
    @Test
    void replayOfAnOfflineTokenEndsBothTwins() {
        Matrix m = login("replay-offline");
        m.sso.alsoLogIn(client("offline-high"), "openid offline_access");
        String first = m.sso.refreshToken("offline-high");
        assertThat(client("offline-high").refresh(first).status()).isEqualTo(200);

        assertThat(client("offline-high").refresh(first).status()).isEqualTo(400);

        m.assertTold(Map.of("conf", "refresh_token_reused", "pub", "refresh_token_reused", "offline",
                "refresh_token_reused", "offline-high", "refresh_token_reused"));
        assertThat(admin.getJson(realmPath("/users/" + m.sso.userId() + "/offline-sessions/"
                + shared.clientUuid("offline-high")))).isEmpty();
    }

    /**
     * In tier low (given by the tier scope) a replay of the online token ends the session, and with it the offline
     * twin: the thief may hold the offline token too. Its relying parties are told once.
     */
    @Test
    void replayInTierLowEndsTheOfflineTwin() {
        Matrix m = login("replay-low");
        m.sso.alsoLogIn(client("low-app"), "openid offline_access");
        OidcClient lowApp = client("low-app");
        String first = m.sso.refreshToken("low-app");
        String second = lowApp.refresh(first).json().get("refresh_token").asText();
        // The first token's replacement is used too, so that low's grace period can't take the replay for a retry.
        assertThat(lowApp.refresh(second).status()).isEqualTo(200);

        assertThat(lowApp.refresh(first).status()).isEqualTo(400);

        m.assertTold(Map.of("conf", "refresh_token_reused", "pub", "refresh_token_reused", "offline",
                "refresh_token_reused", "low-app", "refresh_token_reused"));
        assertThat(admin.getJson(realmPath("/users/" + m.sso.userId() + "/offline-sessions/"
                + shared.clientUuid("offline")))).isEmpty();
    }

    /**
     * Problem 9: with {@code revoke-session-on-reuse} false only the replaying client's part ends; it is told at
     * once, with a {@code LOGOUT} event, and not again later. The rest of the session lives until Keycloak expires it.
     */
    @Test
    void replayWithoutSessionRevocation() {
        Matrix m = login("replay-detach", "replayer");
        String first = m.sso.refreshToken("replayer");
        assertThat(client("replayer").refresh(first).status()).isEqualTo(200);
        long replayedAt = System.currentTimeMillis();

        assertThat(client("replayer").refresh(first).status()).isEqualTo(400);

        Delivery told = m.awaitFirst("replayer");
        assertThat(told.receivedAtMillis() - replayedAt).as("the replaying client is told at once")
                .isLessThan(10_000);
        assertThat(logoutEvents(m.sso.sessionId())).anySatisfy(event -> {
            assertThat(event.path("clientId").asText()).isEqualTo("replayer");
            assertThat(event.path("details").path("reason").asText()).isEqualTo("refresh_token_reused");
        });
        m.assertTold(Map.of("replayer", "refresh_token_reused", "conf", "session_expired", "pub", "session_expired",
                "offline", "session_expired"));
    }

    @Test
    void revocationEndsTheSession() {
        Matrix m = login("revocation");

        assertThat(client("pub").revoke(m.sso.refreshToken("pub"), "refresh_token").status()).isEqualTo(200);

        m.assertTold(Map.of("conf", "token_revoked", "pub", "token_revoked", "offline", "token_revoked"));
    }

    @Test
    void tierIdleDeadline() {
        Matrix m = login("tier-idle", "idle-app");

        m.assertTold(Map.of("idle-app", "tier_idle_timeout", "conf", "session_expired", "pub", "session_expired",
                "offline", "session_expired"));
    }

    @Test
    void tierMaxDeadline() {
        Matrix m = login("tier-max", "max-app");
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + 12, "half of the tier's idle window");
        HttpResult refreshed = client("max-app").refresh(m.sso.refreshToken("max-app"));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);

        m.assertTold(Map.of("max-app", "tier_max_lifespan", "conf", "session_expired", "pub", "session_expired",
                "offline", "session_expired"));
    }

    /** Issue 22: the user signs in to a client limited to one session on another device; the older session ends. */
    @Test
    void aSignInPastTheSessionLimitEndsTheOldestSession() {
        Matrix m = login("session-limit", "one-device");
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000, "the older session's second");

        SsoSession newer = SsoSession.loginAs("session-limit", "session-limit-password", client("one-device"));

        m.assertTold(Map.of("conf", "session_limit", "pub", "session_limit", "offline", "session_limit", "one-device",
                "session_limit"));
        // The newer session may have expired by now (the realm's short SSO max), but it never ended for the limit.
        assertThat(shared.reasonsByClient(newer.sessionId()).values()).as("the newer session's notifications")
                .noneMatch(reason -> reason.contains("session_limit"));
    }

    @Test
    void keycloakExpiresTheSession() {
        Matrix m = login("expiry");

        m.assertTold(Map.of("conf", "session_expired", "pub", "session_expired", "offline", "session_expired"));
    }

    private Matrix login(String username, String... extraClients) {
        return shared.login(username, extraClients);
    }

    private OidcClient client(String clientId) {
        return shared.client(clientId);
    }

    private static String realmPath(String path) {
        return "/admin/realms/" + REALM + path;
    }

    private List<JsonNode> logoutEvents(String sessionId) {
        return StreamSupport.stream(admin.events(REALM, "LOGOUT").spliterator(), false)
                .filter(event -> sessionId.equals(event.path("sessionId").asText())).toList();
    }

    /** A realm with every kind of client, its relying party, and a user per death. */
    private static TestRealm matrixRealm(String name, String... users) {
        return TestRealm.of(name, (fixture, receiver) -> describe(fixture, receiver, users));
    }

    /** The matrix's realm, which {@link SharedSignalsIT} gives a Shared Signals receiver besides. */
    static void describe(RealmFixture fixture, LogoutReceiver receiver, String... users) {
        fixture.set("ssoSessionMaxLifespan", SSO_MAX);
        for (String user : users) {
            fixture.user(user, user + "-password");
        }
        withBackchannelLogout(fixture.confidentialClient("conf", "conf-secret"), receiver);
        withBackchannelLogout(fixture.publicClient("pub"), receiver);
        fixture.confidentialClient("no-url", "no-url-secret");
        withBackchannelLogout(fixture.confidentialClient("front", "front-secret"), receiver)
                .put("frontchannelLogout", true);
        withBackchannelLogout(fixture.confidentialClient("offline", "offline-secret"), receiver);
        withBackchannelLogout(fixture.confidentialClient("service", "service-secret"), receiver)
                .put("serviceAccountsEnabled", true);
        withBackchannelLogout(fixture.publicClient("replayer"), receiver);
        withBackchannelLogout(fixture.publicClient("idle-app"), receiver);
        withBackchannelLogout(fixture.publicClient("max-app"), receiver);
        withBackchannelLogout(fixture.publicClient("offline-high"), receiver);
        withBackchannelLogout(fixture.publicClient("low-app"), receiver);
        withBackchannelLogout(fixture.publicClient("one-device"), receiver);
        fixture.tierProfile("high", Map.of("tier", "high"))
                .tierProfile("replay-detaches", Map.of("tier", "high", "revoke-session-on-reuse", false))
                .tierProfile("short-idle", Map.of("tier", "high", "idle-timeout", 20, "access-token-lifespan", 10))
                .tierProfile("short-max", Map.of("tier", "high", "max-lifespan", 25, "idle-timeout", 25,
                        "access-token-lifespan", 10))
                .tierProfile("high-offline", Map.of("tier", "high", "offline-access", true))
                .tierProfile("one-session", Map.of("tier", "high", "max-sessions", 1))
                .policyForClients("high-policy", "high", "pub", "no-url")
                .policyForClients("replay-policy", "replay-detaches", "replayer")
                .policyForClients("offline-policy", "high-offline", "offline-high")
                .policyForClients("idle-policy", "short-idle", "idle-app")
                .policyForClients("max-policy", "short-max", "max-app")
                .policyForClients("one-session-policy", "one-session", "one-device");
        // The README's recommended way, beside the client-id policies above.
        fixture.tierScope("low-app", "session-tier-low");
    }

    /** One of the class's realms, with the deaths' helpers. */
    private final class MatrixRealm {
        final String name;
        final LogoutReceiver receiver;
        final Map<String, OidcClient> clients = new LinkedHashMap<>();

        MatrixRealm(TestRealm realm) {
            this.name = realm.name();
            receiver = realm.receiver();
            for (String id : List.of("conf", "no-url", "front", "offline", "service", "pub", "replayer", "idle-app",
                    "max-app", "offline-high", "low-app", "one-device")) {
                clients.put(id, realm.client(id));
            }
        }

        OidcClient client(String clientId) {
            return clients.get(clientId);
        }

        String path(String path) {
            return "/admin/realms/" + name + path;
        }

        String clientUuid(String clientId) {
            return admin.clientUuid(name, clientId);
        }

        /** One user's session with every kind of client, plus a client-credentials token of the service account. */
        Matrix login(String username, String... extraClients) {
            long started = System.currentTimeMillis();
            SsoSession sso = SsoSession.loginAs(username, username + "-password", client("conf"), client("pub"),
                    client("no-url"), client("front"));
            sso.alsoLogIn(client("offline"), "openid offline_access");
            for (String extra : extraClients) {
                sso.alsoLogIn(client(extra), "openid");
            }
            assertThat(sso.tokens("offline").get("refresh_token").asText()).isNotEmpty();
            HttpResult serviceToken = client("service").clientCredentials();
            assertThat(serviceToken.status()).as(serviceToken.toString()).isEqualTo(200);
            return new Matrix(this, sso, started);
        }

        /**
         * The session's notifications' reasons by client, from its receipt: one answer, whatever state each is in (a
         * listing per status could miss one that changed state between two of them).
         */
        Map<String, String> reasonsByClient(String sessionId) {
            Map<String, String> reasons = new LinkedHashMap<>();
            HttpResult receipt = admin.get(path("/session-guard/sessions/" + sessionId + "/receipt"));
            if (receipt.status() == 200) {
                receipt.json().get("relyingParties").forEach(party -> reasons.merge(party.get("clientId").asText(),
                        party.get("reason").asText(), (a, b) -> a + "," + b));
            }
            return reasons;
        }
    }

    private static final class Matrix {
        final MatrixRealm realm;
        final SsoSession sso;
        final long loggedInAt;

        Matrix(MatrixRealm realm, SsoSession sso, long loggedInAt) {
            this.realm = realm;
            this.sso = sso;
            this.loggedInAt = loggedInAt;
        }

        Delivery awaitFirst(String clientId) {
            return Deadline.await(DUPLICATE_WINDOW, "a logout token for " + clientId,
                    () -> deliveries(clientId).stream().findFirst().orElse(null), d -> d != null);
        }

        /**
         * Waits until the window for duplicates has passed, then: each client named is told exactly once, validly,
         * for this session and user, with the reason given; no other client is told anything about it; and the
         * service account never hears of its transient sessions.
         */
        void assertTold(Map<String, String> expected) {
            expected.keySet().forEach(this::awaitFirst);
            long windowEnds = loggedInAt + DUPLICATE_WINDOW.toMillis();
            Deadline.awaitEpochSecondPassed(windowEnds / 1000, "the window in which a duplicate could arrive");
            List<String> problems = new ArrayList<>();
            for (String clientId : realm.clients.keySet()) {
                List<Delivery> got = deliveries(clientId);
                int wanted = expected.containsKey(clientId) ? 1 : 0;
                if (got.size() != wanted) {
                    problems.add(clientId + ": " + got.size() + " logout tokens, expected " + wanted + " " + got);
                }
                got.stream().filter(d -> !d.valid() || !sso.userId().equals(d.sub()))
                        .forEach(d -> problems.add(clientId + ": invalid logout token " + d));
            }
            List<Delivery> service = realm.receiver.deliveriesTo("service");
            if (!service.isEmpty()) {
                problems.add("service account told of its transient sessions: " + service);
            }
            Map<String, String> reasons = realm.reasonsByClient(sso.sessionId());
            expected.forEach((clientId, reason) -> {
                if (!reason.equals(reasons.get(clientId))) {
                    problems.add(clientId + ": reason " + reasons.get(clientId) + ", expected " + reason);
                }
            });
            assertThat(problems).as("who was told about session %s", sso.sessionId()).isEmpty();
        }

        private List<Delivery> deliveries(String clientId) {
            return realm.receiver.deliveriesTo(clientId).stream().filter(d -> sso.sessionId().equals(d.sid()))
                    .toList();
        }
    }
}
