package io.github.sessionguard.logout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.Http;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServerExtension;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.SsfReceiver;
import io.github.sessionguard.testing.SsfReceiver.Signal;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Every death path of {@link DeathMatrixIT}, in its realm, with a Shared Signals receiver on Keycloak's own SSF
 * transmitter (a PUSH stream, every user its subject): the receiver gets exactly one CAEP {@code session-revoked} per
 * death, with the right {@code initiating_entity} and {@code reason_admin}, and nothing more, counted after the window
 * in which a duplicate could still arrive. {@link #EXPECTED} is the README's table of which deaths Keycloak signals
 * itself and which Session Guard adds, and {@link #theReadmeTableIsThisOne()} holds the README to it.
 */
@KeycloakIntegrationTest
@Execution(ExecutionMode.CONCURRENT)
class SharedSignalsIT {

    static final String REALM = "shared-signals";
    private static final String RECEIVER = "caep-receiver";
    private static final String AUDIENCE = "https://receiver.example.org/caep";
    /** The matrix's window, then the transmitter's outbox drain (every second here) and a push. */
    private static final Duration WINDOW = DeathMatrixIT.DUPLICATE_WINDOW.plusSeconds(5);
    private static final String KEYCLOAK = "Keycloak";
    private static final String SESSION_GUARD = "Session Guard";
    private static final String[] USERS = {"rp-logout", "session-delete", "user-signout", "password-reset",
            "disable", "delete", "replay", "replay-detach", "replay-offline", "replay-low", "revocation", "tier-idle",
            "tier-max", "expiry", "session-limit", "receipt-own-logout", "receipt-admin"};

    /** One signal a death is to send: the event, the application its subject names, and the words. */
    record Expected(String event, String application, String initiatingEntity, String reasonAdmin, String sentBy) {
        static Expected revoked(String initiatingEntity, String reasonAdmin) {
            return new Expected("session-revoked", "", initiatingEntity, reasonAdmin,
                    reasonAdmin.equals("User logout") ? KEYCLOAK : SESSION_GUARD);
        }

        static Expected revokedPart(String application, String initiatingEntity, String reasonAdmin) {
            return new Expected("session-revoked", application, initiatingEntity, reasonAdmin, SESSION_GUARD);
        }

        /** How the receiver saw it; who sent it shows in the words: Keycloak's mapper says "User logout". */
        static Expected of(Signal signal) {
            String event = signal.type().substring(signal.type().lastIndexOf('/') + 1);
            String reason = signal.reasonAdmin() == null ? "" : signal.reasonAdmin();
            boolean keycloaks = event.equals("credential-change") || reason.equals("User logout");
            return new Expected(event, signal.application() == null ? "" : signal.application(),
                    signal.initiatingEntity(), reason, keycloaks ? KEYCLOAK : SESSION_GUARD);
        }
    }

    /** Per death path (the test's name), what the receiver gets: the README's table. */
    static final Map<String, List<Expected>> EXPECTED = table();

    static final SsfReceiver receiver = new SsfReceiver();
    static final SsfReceiver signedOutReceiver = new SsfReceiver();

    @RegisterExtension
    static final TestRealm sharedRealm = signalsRealm(REALM, receiver, USERS);
    @RegisterExtension
    static final TestRealm signedOutRealm = signalsRealm(REALM + "-sign-out", signedOutReceiver, "realm-signout");

    private final AdminApi admin = sharedRealm.admin();

    private static Map<String, List<Expected>> table() {
        Map<String, List<Expected>> table = new LinkedHashMap<>();
        table.put("rpInitiatedLogout", List.of(Expected.revoked("user", "User logout")));
        table.put("adminDeletesTheSession", List.of(Expected.revoked("admin", "logout")));
        table.put("adminSignsTheUserOut", List.of(Expected.revoked("admin", "logout")));
        table.put("adminResetsThePassword", List.of(Expected.revoked("admin", "credential_changed"),
                new Expected("credential-change", "", "admin", "", KEYCLOAK)));
        table.put("adminDisablesTheUser", List.of(Expected.revoked("admin", "user_disabled"),
                new Expected("account-disabled", "", "admin", "user_disabled", SESSION_GUARD)));
        table.put("adminDeletesTheUser", List.of(Expected.revoked("admin", "user_deleted")));
        table.put("realmSignsOutAllSessions", List.of(Expected.revoked("admin", "realm_sign_out")));
        table.put("replayWithSessionRevocation", List.of(Expected.revoked("policy", "refresh_token_reused")));
        table.put("replayOfAnOfflineTokenEndsBothTwins", List.of(Expected.revoked("policy", "refresh_token_reused")));
        table.put("replayInTierLowEndsTheOfflineTwin", List.of(Expected.revoked("policy", "refresh_token_reused")));
        table.put("replayWithoutSessionRevocation", List.of(
                Expected.revokedPart("replayer", "policy", "refresh_token_reused"),
                Expected.revoked("system", "session_expired")));
        table.put("revocationEndsTheSession", List.of(Expected.revoked("user", "token_revoked")));
        table.put("tierIdleDeadline", List.of(Expected.revokedPart("idle-app", "policy", "tier_idle_timeout"),
                Expected.revoked("system", "session_expired")));
        table.put("tierMaxDeadline", List.of(Expected.revokedPart("max-app", "policy", "tier_max_lifespan"),
                Expected.revoked("system", "session_expired")));
        table.put("aSignInPastTheSessionLimitEndsTheOldestSession",
                List.of(Expected.revoked("policy", "session_limit")));
        table.put("keycloakExpiresTheSession", List.of(Expected.revoked("system", "session_expired")));
        return table;
    }

    /** The matrix's realm with Keycloak's transmitter on and a receiver client whose subjects are every user. */
    private static TestRealm signalsRealm(String name, SsfReceiver ssf, String... users) {
        return TestRealm.of(name, (fixture, logoutReceiver) -> {
            DeathMatrixIT.describe(fixture, logoutReceiver, users);
            fixture.set("attributes", Map.of("ssf.transmitterEnabled", "true"));
            fixture.confidentialClient(RECEIVER, RECEIVER + "-secret").put("serviceAccountsEnabled", true)
                    .putObject("attributes").put("ssf.enabled", "true").put("ssf.validPushUrls", ssf.url())
                    .put("ssf.defaultSubjects", "ALL");
        });
    }

    @BeforeAll
    void openTheStreams() {
        assertThat(KeycloakServerExtension.sharedSignalsOn())
                .as("the shared server runs Keycloak's SSF transmitter (on PostgreSQL)").isTrue();
        openStream(sharedRealm, receiver);
        openStream(signedOutRealm, signedOutReceiver);
    }

    private void openStream(TestRealm realm, SsfReceiver ssf) {
        ssf.trust(realm.server(), realm.name(), AUDIENCE);
        ObjectNode stream = Json.object().put("description", "Session Guard's tests");
        stream.putObject("delivery").put("method", "urn:ietf:rfc:8935").put("endpoint_url", ssf.url())
                .put("authorization_header", ssf.authorization());
        stream.putArray("events_requested").add(SsfReceiver.SESSION_REVOKED).add(SsfReceiver.CREDENTIAL_CHANGE)
                .add(SsfReceiver.ACCOUNT_DISABLED);
        stream.putArray("aud").add(AUDIENCE);
        HttpResult created = admin.post("/admin/realms/" + realm.name() + "/ssf/clients/" + RECEIVER + "/stream",
                stream);
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
    }

    @AfterAll
    void closeTheReceivers() {
        receiver.close();
        signedOutReceiver.close();
    }

    @Test
    void rpInitiatedLogout() {
        Death d = login("rp-logout");

        assertThat(client("conf").logout(d.sso.refreshToken("conf")).status()).isEqualTo(204);

        d.assertSignalled("rpInitiatedLogout");
    }

    @Test
    void adminDeletesTheSession() {
        Death d = login("session-delete");

        assertThat(admin.delete(realmPath("/sessions/" + d.sso.sessionId())).status()).isEqualTo(204);

        d.assertSignalled("adminDeletesTheSession");
    }

    /** One event per session the administrator ended, not Keycloak's one event for session "ALL". */
    @Test
    void adminSignsTheUserOut() {
        Death d = login("user-signout");

        assertThat(admin.post(realmPath("/users/" + d.sso.userId() + "/logout"), null).status()).isEqualTo(204);

        d.assertSignalled("adminSignsTheUserOut");
    }

    @Test
    void adminResetsThePassword() {
        Death d = login("password-reset");

        assertThat(admin.put(realmPath("/users/" + d.sso.userId() + "/reset-password"), Json.object()
                .put("type", "password").put("value", "password-reset-password").put("temporary", false)).status())
                .isEqualTo(204);

        d.assertSignalled("adminResetsThePassword");
    }

    @Test
    void adminDisablesTheUser() {
        Death d = login("disable");
        JsonNode user = admin.getJson(realmPath("/users/" + d.sso.userId()));

        assertThat(admin.put(realmPath("/users/" + d.sso.userId()), ((ObjectNode) user.deepCopy())
                .put("enabled", false)).status()).isEqualTo(204);

        d.assertSignalled("adminDisablesTheUser");
    }

    @Test
    void adminDeletesTheUser() {
        Death d = login("delete");

        assertThat(admin.delete(realmPath("/users/" + d.sso.userId())).status()).isEqualTo(204);

        d.assertSignalled("adminDeletesTheUser");
    }

    /** Signs out every session of its realm, a realm of its own. */
    @Test
    void realmSignsOutAllSessions() {
        Death d = login(signedOutRealm, signedOutReceiver, "realm-signout");

        assertThat(admin.post("/admin/realms/" + signedOutRealm.name() + "/logout-all", null).status())
                .isEqualTo(200);

        d.assertSignalled("realmSignsOutAllSessions");
    }

    @Test
    void replayWithSessionRevocation() {
        Death d = login("replay");
        String first = d.sso.refreshToken("pub");
        assertThat(client("pub").refresh(first).status()).isEqualTo(200);

        assertThat(client("pub").refresh(first).status()).isEqualTo(400);

        d.assertSignalled("replayWithSessionRevocation");
    }

    /** The offline session and its online twin end at once: one death to a receiver, which knows one session id. */
    @Test
    void replayOfAnOfflineTokenEndsBothTwins() {
        Death d = login("replay-offline");
        d.sso.alsoLogIn(client("offline-high"), "openid offline_access");
        String first = d.sso.refreshToken("offline-high");
        assertThat(client("offline-high").refresh(first).status()).isEqualTo(200);

        assertThat(client("offline-high").refresh(first).status()).isEqualTo(400);

        d.assertSignalled("replayOfAnOfflineTokenEndsBothTwins");
    }

    @Test
    void replayInTierLowEndsTheOfflineTwin() {
        Death d = login("replay-low");
        d.sso.alsoLogIn(client("low-app"), "openid offline_access");
        OidcClient lowApp = client("low-app");
        String first = d.sso.refreshToken("low-app");
        String second = lowApp.refresh(first).json().get("refresh_token").asText();
        // The first token's replacement is used too, so that low's grace period can't take the replay for a retry.
        assertThat(lowApp.refresh(second).status()).isEqualTo(200);

        assertThat(lowApp.refresh(first).status()).isEqualTo(400);

        d.assertSignalled("replayInTierLowEndsTheOfflineTwin");
    }

    /** Only the replaying application's part ends: the event names it; the session's own end comes later. */
    @Test
    void replayWithoutSessionRevocation() {
        Death d = login("replay-detach", "replayer");
        String first = d.sso.refreshToken("replayer");
        assertThat(client("replayer").refresh(first).status()).isEqualTo(200);

        assertThat(client("replayer").refresh(first).status()).isEqualTo(400);

        d.assertSignalled("replayWithoutSessionRevocation");
    }

    @Test
    void revocationEndsTheSession() {
        Death d = login("revocation");

        assertThat(client("pub").revoke(d.sso.refreshToken("pub"), "refresh_token").status()).isEqualTo(200);

        d.assertSignalled("revocationEndsTheSession");
    }

    @Test
    void tierIdleDeadline() {
        Death d = login("tier-idle", "idle-app");

        d.assertSignalled("tierIdleDeadline");
    }

    @Test
    void tierMaxDeadline() {
        Death d = login("tier-max", "max-app");
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000 + 12, "half of the tier's idle window");
        HttpResult refreshed = client("max-app").refresh(d.sso.refreshToken("max-app"));
        assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);

        d.assertSignalled("tierMaxDeadline");
    }

    /** The older session ends for the limit; the newer one, which pushed it out, is not signalled for it. */
    @Test
    void aSignInPastTheSessionLimitEndsTheOldestSession() {
        Death d = login("session-limit", "one-device");
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000, "the older session's second");

        SsoSession newer = SsoSession.loginAs("session-limit", "session-limit-password", client("one-device"));

        d.assertSignalled("aSignInPastTheSessionLimitEndsTheOldestSession", newer.sessionId());
    }

    @Test
    void keycloakExpiresTheSession() {
        Death d = login("expiry");

        d.assertSignalled("keycloakExpiresTheSession");
    }

    /**
     * Issue 22, part 3: a session's logout receipt lists its Shared Signals receiver beside its relying parties, with
     * the jti the receiver got and Keycloak's outbox's word that it was delivered; for a death Keycloak signals itself
     * (the user's own logout) as for one Session Guard signals (an administrator ends the session).
     */
    @Test
    void theReceiptListsTheReceiverWithTheSetItGot() {
        Death own = login("receipt-own-logout");
        Death ended = login("receipt-admin");

        assertThat(client("conf").logout(own.sso.refreshToken("conf")).status()).isEqualTo(204);
        assertThat(admin.delete(realmPath("/sessions/" + ended.sso.sessionId())).status()).isEqualTo(204);

        for (Death death : List.of(own, ended)) {
            Signal got = Deadline.await(WINDOW, "the session-revoked of " + death.sso.sessionId(),
                    () -> death.signals().stream().filter(signal -> signal.type().equals(SsfReceiver.SESSION_REVOKED))
                            .findFirst().orElse(null), Objects::nonNull);
            String receiptPath = realmPath("/session-guard/sessions/" + death.sso.sessionId() + "/receipt");
            JsonNode receipt = Deadline.await(WINDOW, "the receiver's delivery in the receipt",
                    () -> admin.getJson(receiptPath), shown -> shown.path("ssfReceivers").size() == 1
                            && shown.path("ssfReceivers").get(0).path("status").asText().equals("delivered"));
            JsonNode told = receipt.get("ssfReceivers").get(0);
            assertThat(told.get("clientId").asText()).isEqualTo(RECEIVER);
            assertThat(told.get("delivery").asText()).isEqualTo("push");
            assertThat(told.get("event").asText()).isEqualTo("session-revoked");
            assertThat(told.get("jti").asText()).as("the jti the receiver got").isEqualTo(got.jti());
            assertThat(told.get("reason").asText()).isEqualTo(got.reasonAdmin());
            assertThat(told.get("initiatingEntity").asText()).isEqualTo(got.initiatingEntity());
            assertThat(told.get("deliveredAt").asLong()).isGreaterThanOrEqualTo(told.get("createdAt").asLong());
            assertThat(receipt.get("relyingParties")).as("the relying parties, beside the receiver").isNotEmpty();
            assertThat(receipt.get("userId").asText()).isEqualTo(death.sso.userId());

            HttpResult csv = new Http().get(admin.url(receiptPath), admin.token(),
                    Map.of("Accept", "text/csv"));
            assertThat(csv.status()).as(csv.toString()).isEqualTo(200);
            assertThat(csv.body().lines().filter(line -> line.contains(",ssf_push," + RECEIVER + ",")))
                    .singleElement().asString().contains(got.jti(), ",delivered,", ",session-revoked");
        }
    }

    /** The README's table of who signals which death is {@link #EXPECTED}, row for row. */
    @Test
    void theReadmeTableIsThisOne() throws Exception {
        List<String> rows = Files.readAllLines(Path.of("README.md")).stream().map(SharedSignalsIT::normalised)
                .filter(row -> row.startsWith("|") && row.split("\\|").length > 2
                        && List.of("session-revoked", "credential-change", "account-disabled").contains(row.split("\\|")[2]))
                .toList();
        List<String> expected = new ArrayList<>();
        EXPECTED.forEach((path, signals) -> signals.forEach(signal -> expected.add(normalised("| `" + path + "` | "
                + signal.event() + " | " + signal.application() + " | " + signal.initiatingEntity() + " | "
                + signal.reasonAdmin() + " | " + signal.sentBy() + " |"))));

        assertThat(rows).as("the README's table of signals (README.md)").containsExactlyElementsOf(expected);
    }

    /** A table row's cells without Markdown's code quotes and padding. */
    private static String normalised(String row) {
        return Arrays.stream(row.split("\\|")).map(cell -> cell.replace("`", "").replace("\"", "").strip())
                .collect(Collectors.joining("|"));
    }

    private Death login(String username, String... extraClients) {
        return login(sharedRealm, receiver, username, extraClients);
    }

    /** One user's session with every kind of client, as the matrix logs in, plus a client-credentials token. */
    private static Death login(TestRealm realm, SsfReceiver ssf, String username, String... extraClients) {
        long started = System.currentTimeMillis();
        SsoSession sso = SsoSession.loginAs(username, username + "-password", realm.client("conf"),
                realm.client("pub"), realm.client("no-url"), realm.client("front"));
        sso.alsoLogIn(realm.client("offline"), "openid offline_access");
        for (String extra : extraClients) {
            sso.alsoLogIn(realm.client(extra), "openid");
        }
        HttpResult serviceToken = realm.client("service").clientCredentials();
        assertThat(serviceToken.status()).as(serviceToken.toString()).isEqualTo(200);
        return new Death(ssf, sso, started);
    }

    private OidcClient client(String clientId) {
        return sharedRealm.client(clientId);
    }

    private static String realmPath(String path) {
        return "/admin/realms/" + REALM + path;
    }

    private record Death(SsfReceiver ssf, SsoSession sso, long loggedInAt) {

        /**
         * Waits for the path's signals (which proves the path reaches the receiver), then until the window for
         * duplicates has passed; then the user's signals are exactly the path's row of {@link #EXPECTED}, each valid,
         * about this session, and nothing invalid arrived at all.
         */
        void assertSignalled(String path) {
            assertSignalled(path, null);
        }

        /**
         * As above, where a second session of the user may have expired within the window (the realm's short SSO
         * max): its {@code session_expired} is left out.
         */
        void assertSignalled(String path, String otherSessionId) {
            List<Expected> expected = EXPECTED.get(path);
            Deadline.await(WINDOW, expected.size() + " signals for " + sso.userId(), () -> signals(otherSessionId),
                    signals -> signals.size() >= expected.size());
            Deadline.awaitEpochSecondPassed((loggedInAt + WINDOW.toMillis()) / 1000,
                    "the window in which a duplicate could arrive");
            List<Signal> got = signals(otherSessionId);
            assertThat(got.stream().map(Expected::of).toList()).as("the signals of %s: %s", path, got)
                    .containsExactlyInAnyOrderElementsOf(expected);
            assertThat(got).as("session-revoked names session %s", sso.sessionId())
                    .filteredOn(signal -> signal.type().equals(SsfReceiver.SESSION_REVOKED))
                    .allSatisfy(signal -> assertThat(signal.sessionId()).isEqualTo(sso.sessionId()));
            assertThat(ssf.signals()).as("invalid security event tokens").allMatch(Signal::valid);
        }

        private List<Signal> signals() {
            return ssf.signals().stream().filter(signal -> sso.userId().equals(signal.userId())).toList();
        }

        private List<Signal> signals(String otherSessionId) {
            return signals().stream().filter(signal -> otherSessionId == null
                    || !(otherSessionId.equals(signal.sessionId()) && "session_expired".equals(signal.reasonAdmin())))
                    .toList();
        }
    }
}
