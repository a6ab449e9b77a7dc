package io.github.sessionguard.limit;

import static io.github.sessionguard.testing.RealmFixture.REDIRECT_URI;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.AlsoOnH2;
import io.github.sessionguard.testing.AtOnce;
import io.github.sessionguard.testing.BrowserSession;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Issue 22, part 2: a tier's {@code max-sessions}, on every grant that creates or joins a session. Twenty sign-ins at
 * once leave exactly the limit live (end-oldest: every ended session told once, with reason {@code session_limit};
 * refuse-new: the rest refused with the documented error); each grant is refused past the limit; online and offline
 * sessions are counted apart; a client without a back-channel URL is limited too. Each test has its own user, so the
 * tests run side by side.
 */
@KeycloakIntegrationTest
@AlsoOnH2
@Execution(ExecutionMode.CONCURRENT)
class SessionLimitIT {

    private static final String REALM = "session-limit";
    private static final String SECRET = "secret";
    private static final int AT_ONCE = 20;
    /** A scan and a delivery after the last ending, and 5 s to spare: a duplicate would have arrived by then. */
    private static final Duration DUPLICATE_WINDOW = KeycloakServer.SCAN_AND_DELIVERY.plusSeconds(5);
    private static final String[] USERS = {"crowd-end", "crowd-refuse", "one-by-one", "code", "device", "exchange",
            "password", "offline", "no-url"};

    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        for (String user : USERS) {
            fixture.user(user, user + "-password");
        }
        // Tier low: the password grant is not refused, so twenty sign-ins can be made at once over HTTP.
        withBackchannelLogout(fixture.publicClient("newest-wins"), receiver);
        withBackchannelLogout(fixture.publicClient("neighbour"), receiver);
        everyGrant(withBackchannelLogout(fixture.confidentialClient("first-come", SECRET), receiver));
        everyGrant(fixture.confidentialClient("one-device", SECRET));
        everyGrant(fixture.confidentialClient("subject-issuer", SECRET)).putArray("protocolMappers").addObject()
                .put("name", "one-device-audience").put("protocol", "openid-connect")
                .put("protocolMapper", "oidc-audience-mapper").putObject("config")
                .put("included.client.audience", "one-device").put("access.token.claim", "true")
                .put("id.token.claim", "false");
        fixture.publicClient("no-url-one");
        fixture.tierProfile("two-newest", Map.of("tier", "low", "max-sessions", 2))
                .tierProfile("two-first", Map.of("tier", "low", "max-sessions", 2,
                        "session-limit-action", "refuse-new"))
                .tierProfile("one-refused", Map.of("tier", "low", "max-sessions", 1,
                        "session-limit-action", "refuse-new"))
                .tierProfile("one-newest", Map.of("tier", "low", "max-sessions", 1))
                .policyForClients("newest-wins", "two-newest", "newest-wins")
                .policyForClients("first-come", "two-first", "first-come")
                .policyForClients("one-device", "one-refused", "one-device")
                .policyForClients("no-url-one", "one-newest", "no-url-one");
    });

    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();

    @Test
    void twentySignInsAtOnceUnderEndOldestLeaveTwoLiveAndTellEachEndedSessionOnce() throws Exception {
        List<HttpResult> signIns = atOnce(realm.client("newest-wins"), "crowd-end");

        assertThat(signIns).allSatisfy(result -> assertThat(result.status()).as(result.toString()).isEqualTo(200));
        Set<String> live = liveSessions("crowd-end", "newest-wins");
        assertThat(live).as("live sessions of the client").hasSize(2);
        Set<String> ended = sids(signIns);
        ended.removeAll(live);
        assertThat(ended).hasSize(AT_ONCE - 2);

        Deadline.await(Duration.ofSeconds(60), "a logout token for each ended session",
                () -> untold("crowd-end", "newest-wins", ended), Map::isEmpty);
        Thread.sleep(DUPLICATE_WINDOW.toMillis());
        List<Delivery> told = receiver.deliveriesTo("newest-wins").stream().filter(d -> signInSid(d, signIns))
                .toList();
        assertThat(told).allSatisfy(delivery -> assertThat(delivery.valid()).as(delivery.error()).isTrue());
        assertThat(told.stream().map(Delivery::sid).toList()).as("each ended session told once, no live one told")
                .containsExactlyInAnyOrderElementsOf(ended);
        assertThat(reasons(ended)).as("reasons of the ended sessions' notifications").containsOnly("session_limit");
        assertRefreshes(signIns, live);
    }

    @Test
    void twentySignInsAtOnceUnderRefuseNewAdmitTwoAndRefuseTheRestNamingTheTierAndTheLimit() throws Exception {
        List<HttpResult> signIns = atOnce(realm.client("first-come"), "crowd-refuse");

        List<HttpResult> admitted = signIns.stream().filter(result -> result.status() == 200).toList();
        assertThat(admitted).hasSize(2);
        assertThat(signIns.stream().filter(result -> result.status() != 200)).hasSize(AT_ONCE - 2)
                .allSatisfy(SessionLimitIT::assertRefusedForTheLimitOfTwo);
        assertThat(liveSessions("crowd-refuse", "first-come")).isEqualTo(sids(admitted));
        assertThat(receiver.deliveriesTo("first-come").stream().filter(d -> signInSid(d, signIns)).toList())
                .as("no admitted session ended").isEmpty();
        assertRefreshes(admitted, sids(admitted));
    }

    /** The oldest goes, whichever client of the session it was: the whole session ends and all its clients hear. */
    @Test
    void aThirdSignInEndsTheOldestSessionAndEveryClientOfItIsTold() {
        SsoSession first = SsoSession.loginAs("one-by-one", "one-by-one-password", realm.client("newest-wins"),
                realm.client("neighbour"));
        // Keycloak records when a session started in whole seconds: the oldest is decided to the second.
        Deadline.awaitEpochSecondPassed(System.currentTimeMillis() / 1000, "the first session's second");
        SsoSession second = SsoSession.loginAs("one-by-one", "one-by-one-password", realm.client("newest-wins"));
        assertThat(liveSessions("one-by-one", "newest-wins")).containsExactlyInAnyOrder(first.sessionId(),
                second.sessionId());

        SsoSession third = SsoSession.loginAs("one-by-one", "one-by-one-password", realm.client("newest-wins"));

        assertThat(liveSessions("one-by-one", "newest-wins")).containsExactlyInAnyOrder(second.sessionId(),
                third.sessionId());
        for (String clientId : List.of("newest-wins", "neighbour")) {
            Deadline.await(Duration.ofSeconds(60), clientId + " told of the oldest session",
                    () -> toldSids(clientId).contains(first.sessionId()));
        }
        assertThat(reasons(Set.of(first.sessionId()))).containsOnly("session_limit");
        assertThat(realm.client("neighbour").refresh(first.refreshToken("neighbour")).status())
                .as("the oldest session's other client is signed out too").isEqualTo(400);
        assertThat(toldSids("newest-wins")).doesNotContain(second.sessionId(), third.sessionId());
    }

    @Test
    void anAuthorizationCodePastTheLimitIsRefused() {
        OidcClient client = realm.client("one-device");
        assertThat(client.passwordGrant("code", "code-password", "openid").status()).isEqualTo(200);

        String code = new BrowserSession().loginForCode(client.authorizationUrl(REDIRECT_URI, "openid", Map.of()),
                "code", "code-password");

        assertRefusedForTheLimitOfOne(client.exchangeCode(code, REDIRECT_URI));
        assertThat(liveSessions("code", "one-device")).hasSize(1);
    }

    @Test
    void aDeviceGrantPastTheLimitIsRefused() {
        OidcClient client = realm.client("one-device");
        assertThat(client.passwordGrant("device", "device-password", "openid").status()).isEqualTo(200);
        JsonNode authorization = client.deviceAuthorization("openid").json();
        new BrowserSession().approveDevice(authorization.get("verification_uri_complete").asText(), "device",
                "device-password");

        assertRefusedForTheLimitOfOne(client.deviceToken(authorization.get("device_code").asText()));
        assertThat(liveSessions("device", "one-device")).hasSize(1);
    }

    /** The exchange joins the subject token's session, where the limited client wasn't yet: one session too many. */
    @Test
    void aTokenExchangePastTheLimitIsRefused() {
        OidcClient client = realm.client("one-device");
        assertThat(client.passwordGrant("exchange", "exchange-password", "openid").status()).isEqualTo(200);
        HttpResult subject = realm.client("subject-issuer").passwordGrant("exchange", "exchange-password", "openid");
        assertThat(subject.status()).as(subject.toString()).isEqualTo(200);

        assertRefusedForTheLimitOfOne(client.exchangeToken(subject.json().get("access_token").asText(),
                "urn:ietf:params:oauth:token-type:refresh_token", null));
        assertThat(liveSessions("exchange", "one-device")).hasSize(1);
    }

    @Test
    void aPasswordGrantPastTheLimitIsRefusedAndLeavesNoSession() {
        OidcClient client = realm.client("one-device");
        assertThat(client.passwordGrant("password", "password-password", "openid").status()).isEqualTo(200);

        assertRefusedForTheLimitOfOne(client.passwordGrant("password", "password-password", "openid"));
        assertThat(admin.userSessions(REALM, "password")).as("the refused grant's session rolled back").hasSize(1);
    }

    /** Offline sessions are counted apart from online ones: one of each is within a limit of one. */
    @Test
    void offlineSessionsAreCountedApartFromOnlineOnes() {
        OidcClient client = realm.client("one-device");
        HttpResult online = client.passwordGrant("offline", "offline-password", "openid");
        assertThat(online.status()).as(online.toString()).isEqualTo(200);

        HttpResult offline = client.passwordGrant("offline", "offline-password", "openid offline_access");
        assertThat(offline.status()).as("the first offline session, beside an online one").isEqualTo(200);
        assertThat(admin.offlineSessions(REALM, "offline", "one-device")).hasSize(1);

        assertRefusedForTheLimitOfOne(client.passwordGrant("offline", "offline-password", "openid offline_access"),
                "offline session");
        assertThat(admin.offlineSessions(REALM, "offline", "one-device")).hasSize(1);
        assertThat(liveSessions("offline", "one-device")).hasSize(1);
    }

    /** A client that is never told is still limited: its sessions are recorded for the count alone. */
    @Test
    void aClientWithoutABackchannelUrlIsLimitedToo() {
        OidcClient client = realm.client("no-url-one");
        JsonNode first = client.login("no-url", "no-url-password");

        JsonNode second = client.login("no-url", "no-url-password");

        assertThat(client.refresh(first.get("refresh_token").asText()).status()).as("the older session ended")
                .isEqualTo(400);
        assertThat(client.refresh(second.get("refresh_token").asText()).status()).isEqualTo(200);
        assertThat(liveSessions("no-url", "no-url-one")).containsExactly(sid(second));
    }

    private static ObjectNode everyGrant(ObjectNode client) {
        ObjectNode attributes = client.has("attributes") ? (ObjectNode) client.get("attributes")
                : client.putObject("attributes");
        attributes.put("oauth2.device.authorization.grant.enabled", "true")
                .put("standard.token.exchange.enabled", "true")
                .put("standard.token.exchange.enableRefreshRequestedTokenType", "SAME_SESSION");
        return client;
    }

    /** Twenty password grants of one user, released at the same moment. */
    private static List<HttpResult> atOnce(OidcClient client, String username) throws Exception {
        return AtOnce.run(AT_ONCE, i -> client.passwordGrant(username, username + "-password", "openid"));
    }

    /** The user's online sessions that hold the client, as the admin console lists them. */
    private Set<String> liveSessions(String username, String clientId) {
        return StreamSupport.stream(admin.userSessions(REALM, username).spliterator(), false)
                .filter(session -> StreamSupport.stream(session.get("clients").spliterator(), false)
                        .anyMatch(client -> client.asText().equals(clientId)))
                .map(session -> session.get("id").asText()).collect(Collectors.toSet());
    }

    private Set<String> toldSids(String clientId) {
        return receiver.deliveriesTo(clientId).stream().map(Delivery::sid).collect(Collectors.toSet());
    }

    /**
     * The ended sessions the client has not been told of yet, each with what the server holds of it: its queued
     * notifications, and whether Keycloak still lists it; what a failure needs to say where the telling stopped.
     */
    private Map<String, String> untold(String username, String clientId, Set<String> ended) {
        Set<String> told = toldSids(clientId);
        Map<String, String> untold = new TreeMap<>();
        for (String sid : ended) {
            if (!told.contains(sid)) {
                untold.put(sid, "");
            }
        }
        if (untold.isEmpty()) {
            return untold;
        }
        untold.replaceAll((sid, none) -> receipt(sid).map(receipt -> receipt.get("relyingParties").toString())
                .orElse(""));
        Set<String> listed = StreamSupport.stream(admin.userSessions(REALM, username).spliterator(), false)
                .map(session -> session.get("id").asText()).collect(Collectors.toSet());
        untold.replaceAll((sid, rows) -> (rows.isEmpty() ? "no notification queued" : rows)
                + (listed.contains(sid) ? "; Keycloak still lists the session" : "; Keycloak no longer lists it"));
        return untold;
    }

    /**
     * The reasons of the notifications queued for these sessions, from their receipts: one answer per session, whatever
     * state each notification is in (a listing per status could miss one that changed state between two of them).
     */
    private Set<String> reasons(Set<String> sessionIds) {
        Set<String> reasons = new HashSet<>();
        for (String sessionId : sessionIds) {
            receipt(sessionId).ifPresent(receipt -> receipt.get("relyingParties")
                    .forEach(party -> reasons.add(party.get("reason").asText())));
        }
        return reasons;
    }

    /** The session's logout receipt; empty while none of its notifications is queued. */
    private Optional<JsonNode> receipt(String sessionId) {
        HttpResult receipt = admin.get("/admin/realms/" + REALM + "/session-guard/sessions/" + sessionId + "/receipt");
        return receipt.status() == 200 ? Optional.of(receipt.json()) : Optional.empty();
    }

    /** Refresh tokens of live sessions work; those of ended ones are refused. */
    private static void assertRefreshes(List<HttpResult> signIns, Set<String> live) {
        OidcClient client = null;
        for (HttpResult signIn : signIns) {
            String sid = sid(signIn.json());
            String issuer = Jwt.claims(signIn.json().get("access_token").asText()).get("azp").asText();
            client = client != null ? client : realm.client(issuer);
            HttpResult refreshed = client.refresh(signIn.json().get("refresh_token").asText());
            assertThat(refreshed.status()).as("refresh of session " + sid + ": " + refreshed)
                    .isEqualTo(live.contains(sid) ? 200 : 400);
        }
    }

    private static void assertRefusedForTheLimitOfTwo(HttpResult refused) {
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("error_description").asText()).contains("Session limit reached",
                "session tier 'low'", "allows 2 sessions", "client 'first-come'");
    }

    private static void assertRefusedForTheLimitOfOne(HttpResult refused) {
        assertRefusedForTheLimitOfOne(refused, "session");
    }

    private static void assertRefusedForTheLimitOfOne(HttpResult refused, String kind) {
        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("error_description").asText()).contains("Session limit reached",
                "session tier 'low'", "allows 1 " + kind + " per user", "client 'one-device'");
    }

    private static Set<String> sids(List<HttpResult> signIns) {
        return signIns.stream().map(result -> sid(result.json())).collect(Collectors.toCollection(HashSet::new));
    }

    private static boolean signInSid(Delivery delivery, List<HttpResult> signIns) {
        return sids(signIns).contains(delivery.sid());
    }

    private static String sid(JsonNode tokens) {
        return Jwt.claims(tokens.get("access_token").asText()).get("sid").asText();
    }
}
