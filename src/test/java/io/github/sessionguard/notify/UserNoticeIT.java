package io.github.sessionguard.notify;

import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.FreePorts;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Json;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.MailServer;
import io.github.sessionguard.testing.MailServer.Mail;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RunsBesideOtherClasses;
import io.github.sessionguard.testing.SsoSession;
import io.github.sessionguard.testing.TestRealm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A user whose sessions Session Guard ends for a replay, an admin password reset or a disabled account gets one email,
 * through the realm's SMTP settings, from a real SMTP server (GreenMail) here; none in tier {@code low}, none without
 * an SMTP server or a verified address. An SMTP server that hangs delays neither the death nor its logout tokens.
 *
 * <p>Each test has a user of its own. "No email" is checked once a later email, for the control user, has arrived:
 * notices are sent in the order their deaths committed.
 */
@KeycloakIntegrationTest
@RunsBesideOtherClasses
class UserNoticeIT {

    private static final String REALM = "user-notices";
    private static final String REALM_DISPLAY_NAME = "Notice Bank";
    private static final String HIGH_APP = "high-app";
    private static final String HIGH_APP_NAME = "Notice Bank Mobile";
    private static final String SECOND_APP = "second-app";
    private static final String LOW_APP = "low-app";
    private static final String DETACH_APP = "detach-app";
    private static final String SCOPED_APP = "notice-scoped-app";
    private static final String PAYMENTS_APP = "payments-app";
    private static final String ONE_DEVICE_APP = "one-device-app";
    private static final String PAYMENTS_SCOPE = "openid payments";
    private static final String CONTROL_USER = "carl";
    private static final String REPLAYER_AGENT = "NoticeTest-Replayer/1.0 (stolen token)";
    private static final Duration MAIL = Duration.ofSeconds(60);
    private static final Duration DELIVERY = Duration.ofSeconds(30);

    @RegisterExtension
    static final MailServer mail = new MailServer();
    @RegisterExtension
    static final TestRealm realm = TestRealm.of(REALM, (fixture, receiver) -> {
        fixture.set("displayName", REALM_DISPLAY_NAME).set("smtpServer", mail.realmSettings());
        for (String user : List.of(CONTROL_USER, "rita", "resa", "dina", "lowe", "una", "nosmtp", "dora", "dete", "dawn",
                "pia", "sara", "seth", "limo")) {
            fixture.user(user, password(user));
        }
        fixture.json().withArray("users").forEach(user -> {
            if (user.get("username").asText().equals("una")) {
                ((ObjectNode) user).put("emailVerified", false);
            }
        });
        withBackchannelLogout(fixture.publicClient(HIGH_APP), receiver).put("name", HIGH_APP_NAME);
        withBackchannelLogout(fixture.publicClient(SECOND_APP), receiver);
        withBackchannelLogout(fixture.publicClient(LOW_APP), receiver).put("name", "Notice Bank Rewards");
        withBackchannelLogout(fixture.publicClient(DETACH_APP), receiver);
        withBackchannelLogout(fixture.publicClient(PAYMENTS_APP), receiver);
        withBackchannelLogout(fixture.publicClient(SCOPED_APP), receiver);
        withBackchannelLogout(fixture.publicClient(ONE_DEVICE_APP), receiver).put("name", "Notice Bank Pay");
        fixture.tierProfile("high", Map.of("tier", "high"))
                .tierProfile("one-device", Map.of("tier", "high", "max-sessions", 1, "refuse-legacy-grants", false))
                .policyForClients("one-device-policy", "one-device", ONE_DEVICE_APP)
                .tierProfile("low", Map.of("tier", "low"))
                .tierProfile("high-detach", Map.of("tier", "high", "revoke-session-on-reuse", false))
                .policyForClients("high-policy", "high", HIGH_APP, SECOND_APP)
                .policyForClients("low-policy", "low", LOW_APP)
                .policyForClients("detach-policy", "high-detach", DETACH_APP);
        // The README's recommended way: tier high through its client scope, and no policy naming the client.
        fixture.tierScope(SCOPED_APP, "session-tier-high");
    });

    private final AdminApi admin = realm.admin();
    private final LogoutReceiver receiver = realm.receiver();
    private final OidcClient highApp = realm.client(HIGH_APP);
    private final OidcClient secondApp = realm.client(SECOND_APP);
    private final OidcClient lowApp = realm.client(LOW_APP);
    private final OidcClient detachApp = realm.client(DETACH_APP);
    private final OidcClient paymentsApp = realm.client(PAYMENTS_APP);
    private final OidcClient scopedApp = realm.client(SCOPED_APP);

    @BeforeAll
    void paymentsAppInTierHighWhenAskingForPayments() {
        inTierHighWhenAskingFor(PAYMENTS_APP, "payments");
    }

    @Test
    void aReplayIsMailedWithTheApplicationTheRequestAndTheAdvice() {
        SsoSession sso = SsoSession.loginAs("rita", password("rita"), highApp);

        replay(highApp, sso.refreshToken(HIGH_APP));

        Mail notice = awaitOneMail("rita");
        assertThat(notice.subject()).isEqualTo("Your " + REALM_DISPLAY_NAME + " sign-in was ended");
        for (String body : List.of(notice.text(), notice.html())) {
            assertThat(body).contains(HIGH_APP_NAME)
                    .contains("used a second time")
                    .contains("127.0.0.1")
                    .contains("change your password")
                    .contains(accountSecurityUrl())
                    .contains("UTC");
        }
        assertThat(notice.text()).contains(REPLAYER_AGENT);
        assertThat(notice.html()).contains("NoticeTest-Replayer/1.0 (stolen token)")
                .doesNotContain(SECOND_APP);
        assertSessionEndedAndToldTo(sso, HIGH_APP);
    }

    /** With revoke-session-on-reuse false only the replaying client's part ends; the token was copied all the same. */
    @Test
    void aReplayThatEndsOnlyTheClientsPartIsMailedToo() {
        SsoSession sso = SsoSession.loginAs("dete", password("dete"), detachApp);

        replay(detachApp, sso.refreshToken(DETACH_APP));

        Mail notice = awaitOneMail("dete");
        assertThat(notice.text()).contains(DETACH_APP).contains("used a second time").contains(REPLAYER_AGENT);
        Delivery delivery = Deadline.await(DELIVERY, "a logout token for " + DETACH_APP,
                () -> receiver.deliveriesTo(DETACH_APP).stream().filter(d -> sso.sessionId().equals(d.sid()))
                        .findFirst().orElse(null), d -> d != null);
        assertThat(delivery.valid()).as(delivery.error()).isTrue();
    }

    @Test
    void aPasswordResetOfTwoSessionsIsOneMailNamingBothApplications() {
        SsoSession phone = SsoSession.loginAs("resa", password("resa"), highApp);
        SsoSession laptop = SsoSession.loginAs("resa", password("resa"), secondApp);

        HttpResult reset = admin.put(userPath("resa") + "/reset-password", Json.object()
                .put("type", "password").put("value", password("resa")).put("temporary", false));

        assertThat(reset.status()).isEqualTo(204);
        Mail notice = awaitOneMail("resa");
        assertThat(notice.text()).contains("An administrator reset your password")
                .contains(HIGH_APP_NAME).contains(SECOND_APP)
                .contains("change it")
                .contains(accountSecurityUrl())
                .doesNotContain("IP address").doesNotContain("User-Agent");
        assertThat(notice.html()).contains("An administrator reset your password").contains(HIGH_APP_NAME);
        assertSessionEndedAndToldTo(phone, HIGH_APP);
        assertSessionEndedAndToldTo(laptop, SECOND_APP);
        awaitControlMail();
        assertThat(mail.mailsTo(address("resa"))).as("one email for one reset").hasSize(1);
    }

    @Test
    void disablingTheAccountIsMailed() {
        SsoSession sso = SsoSession.loginAs("dina", password("dina"), highApp);
        ObjectNode user = (ObjectNode) admin.getJson(userPath("dina")).deepCopy();

        assertThat(admin.put(userPath("dina"), user.put("enabled", false)).status()).isEqualTo(204);

        Mail notice = awaitOneMail("dina");
        assertThat(notice.text()).contains("An administrator disabled your account").contains(HIGH_APP_NAME)
                .contains("contact your administrator").contains(accountSecurityUrl());
        assertSessionEndedAndToldTo(sso, HIGH_APP);
    }

    /** Issue 22: the newest sign-in ended the oldest session; the email describes that sign-in's request. */
    @Test
    void aSessionEndedForTheSessionLimitIsMailedWithTheNewSignIn() {
        OidcClient oneDevice = realm.client(ONE_DEVICE_APP);
        SsoSession first = SsoSession.loginAs("limo", password("limo"), oneDevice);

        HttpResult second = oneDevice.passwordGrant("limo", password("limo"), "openid");

        assertThat(second.status()).as(second.toString()).isEqualTo(200);
        Mail notice = awaitOneMail("limo");
        assertThat(notice.text()).contains("Notice Bank Pay").contains("ended your oldest session")
                .contains("127.0.0.1").contains("If it wasn't, change your password");
        assertSessionEndedAndToldTo(first, ONE_DEVICE_APP);
    }

    @Test
    void aReplayInTierLowIsNotMailed() {
        SsoSession sso = SsoSession.loginAs("lowe", password("lowe"), lowApp);

        replay(lowApp, sso.refreshToken(LOW_APP));

        assertSessionEndedAndToldTo(sso, LOW_APP);
        awaitControlMail();
        assertThat(mail.mailsTo(address("lowe"))).isEmpty();
    }

    @Test
    void anUnverifiedAddressIsNotMailed() {
        SsoSession sso = SsoSession.loginAs("una", password("una"), highApp);

        replay(highApp, sso.refreshToken(HIGH_APP));

        assertSessionEndedAndToldTo(sso, HIGH_APP);
        awaitControlMail();
        assertThat(mail.mailsTo(address("una"))).isEmpty();
    }

    /**
     * Without an SMTP server when the session dies, there is no notice, also not once the realm has one again (the
     * control's email goes out through it).
     */
    @Test
    void aRealmWithoutSmtpServerMailsNothing() {
        SsoSession sso = SsoSession.loginAs("nosmtp", password("nosmtp"), highApp);
        setSmtp(Map.of());
        try {
            replay(highApp, sso.refreshToken(HIGH_APP));

            assertSessionEndedAndToldTo(sso, HIGH_APP);
        } finally {
            setSmtp(mail.realmSettings());
        }
        awaitControlMail();
        assertThat(mail.mailsTo(address("nosmtp"))).isEmpty();
    }

    /**
     * An SMTP server that accepts connections and never answers (Keycloak waits 10 s for it): the replay is refused at
     * once, the session ends, and its relying party gets its logout token as usual.
     */
    @Test
    void aHangingSmtpServerDelaysNeitherTheDeathNorItsLogoutToken() throws IOException {
        SsoSession sso = SsoSession.loginAs("dora", password("dora"), highApp);
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            setSmtp(Map.of("host", "127.0.0.1", "port", String.valueOf(silent.getLocalPort()),
                    "from", "session-guard@example.org"));
            try {
                long start = System.nanoTime();
                replay(highApp, sso.refreshToken(HIGH_APP));

                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                assertSessionEndedAndToldTo(sso, HIGH_APP);
            } finally {
                setSmtp(mail.realmSettings());
            }
        }
    }

    /**
     * An SMTP server that is down (nothing listens on its port): an administrator's password reset still answers 204,
     * ends the session, and its relying party gets its logout token.
     */
    @Test
    void anSmtpServerThatIsDownFailsNeitherTheResetNorItsLogoutToken() {
        SsoSession sso = SsoSession.loginAs("dawn", password("dawn"), highApp);
        setSmtp(Map.of("host", "127.0.0.1", "port", String.valueOf(FreePorts.next()),
                "from", "session-guard@example.org"));
        try {
            HttpResult reset = admin.put(userPath("dawn") + "/reset-password", Json.object()
                    .put("type", "password").put("value", "dawn-new-password").put("temporary", false));
            assertThat(reset.status()).as(reset.toString()).isEqualTo(204);

            assertSessionEndedAndToldTo(sso, HIGH_APP);
        } finally {
            setSmtp(mail.realmSettings());
        }
    }

    /**
     * A notice follows the tier of the request that ended the session: here the app is in tier high only for the
     * requests that ask for the payments scope, and the replay did.
     */
    @Test
    void aReplayInTheTierItsRequestHadIsMailed() {
        SsoSession sso = SsoSession.loginAs("pia", password("pia")).alsoLogIn(paymentsApp, PAYMENTS_SCOPE);
        String first = sso.refreshToken(PAYMENTS_APP);
        HttpResult rotated = paymentsApp.refresh(first, PAYMENTS_SCOPE);
        assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
        assertThat(paymentsApp.refresh(rotated.json().get("refresh_token").asText(), PAYMENTS_SCOPE).status())
                .isEqualTo(200);

        HttpResult replayed = paymentsApp.refresh(first, PAYMENTS_SCOPE);

        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(400);
        assertThat(awaitOneMail("pia").text()).contains(PAYMENTS_APP).contains("used a second time");
        assertSessionEndedAndToldTo(sso, PAYMENTS_APP);
    }

    /**
     * The client gets an optional scope, and a policy with Keycloak's own {@code client-scopes} condition puts it in
     * tier high for the requests that ask for that scope (Keycloak accepts the condition only once the scope exists).
     */
    private void inTierHighWhenAskingFor(String clientId, String scopeName) {
        HttpResult created = admin.post("/admin/realms/" + REALM + "/client-scopes",
                Json.object().put("name", scopeName).put("protocol", "openid-connect"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String location = created.header("Location");
        String clientUuid = admin.getJson("/admin/realms/" + REALM + "/clients?clientId=" + clientId).get(0)
                .get("id").asText();
        HttpResult added = admin.put("/admin/realms/" + REALM + "/clients/" + clientUuid + "/optional-client-scopes/"
                + location.substring(location.lastIndexOf('/') + 1), Json.object());
        assertThat(added.status()).as(added.toString()).isEqualTo(204);
        ObjectNode policies = (ObjectNode) admin.getJson("/admin/realms/" + REALM + "/client-policies/policies");
        ObjectNode policy = policies.withArray("policies").addObject().put("name", scopeName + "-policy")
                .put("enabled", true);
        policy.putArray("conditions").addObject().put("condition", "client-scopes").set("configuration",
                Json.object().put("type", "Optional").set("scopes", Json.array().add(scopeName)));
        policy.putArray("profiles").add("high");
        HttpResult updated = admin.put("/admin/realms/" + REALM + "/client-policies/policies", policies);
        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
    }

    /** A replay of a client in tier high through its tier scope is mailed: the request's tier, read by the scope. */
    @Test
    void aReplayOfATierScopeClientIsMailed() {
        SsoSession sso = SsoSession.loginAs("sara", password("sara"), scopedApp);

        replay(scopedApp, sso.refreshToken(SCOPED_APP));

        assertThat(awaitOneMail("sara").text()).contains(SCOPED_APP).contains("used a second time");
        assertSessionEndedAndToldTo(sso, SCOPED_APP);
    }

    /**
     * An admin's password reset ends the session of a client in tier high through its tier scope, and mails the user:
     * the tier of the death is the client's, read through the scope, not only a policy's.
     */
    @Test
    void aPasswordResetEndingATierScopeClientsSessionIsMailed() {
        SsoSession sso = SsoSession.loginAs("seth", password("seth"), scopedApp);

        HttpResult reset = admin.put(userPath("seth") + "/reset-password", Json.object()
                .put("type", "password").put("value", password("seth")).put("temporary", false));

        assertThat(reset.status()).isEqualTo(204);
        assertThat(awaitOneMail("seth").text()).contains("An administrator reset your password").contains(SCOPED_APP);
        assertSessionEndedAndToldTo(sso, SCOPED_APP);
    }

    /**
     * Refreshes twice, then replays the first token with a User-Agent of the test's own: refused. The token's
     * replacement was used, so no tier's grace period lets it through (low's is 30 s).
     */
    private static void replay(OidcClient client, String refreshToken) {
        HttpResult first = client.refresh(refreshToken);
        assertThat(first.status()).as(first.toString()).isEqualTo(200);
        assertThat(client.refresh(first.json().get("refresh_token").asText()).status()).isEqualTo(200);
        HttpResult replayed = client.refresh(refreshToken, Map.of("User-Agent", REPLAYER_AGENT));
        assertThat(replayed.status()).as(replayed.toString()).isEqualTo(400);
    }

    /** A positive control: a replay of the control user's, whose email arrives after those of every earlier death. */
    private void awaitControlMail() {
        int before = mail.mailsTo(address(CONTROL_USER)).size();
        SsoSession sso = SsoSession.loginAs(CONTROL_USER, password(CONTROL_USER), highApp);
        replay(highApp, sso.refreshToken(HIGH_APP));
        Deadline.await(MAIL, "the control user's email", () -> mail.mailsTo(address(CONTROL_USER)).size() > before);
    }

    private Mail awaitOneMail(String username) {
        return Deadline.await(MAIL, "an email to " + username, () -> mail.mailsTo(address(username)),
                mails -> !mails.isEmpty()).get(0);
    }

    private void assertSessionEndedAndToldTo(SsoSession sso, String clientId) {
        Delivery delivery = Deadline.await(DELIVERY, "a logout token for " + clientId,
                () -> receiver.deliveriesTo(clientId).stream().filter(d -> sso.sessionId().equals(d.sid()))
                        .findFirst().orElse(null), d -> d != null);
        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        JsonNode sessions = admin.getJson("/admin/realms/" + REALM + "/users/" + sso.userId() + "/sessions");
        assertThat(sessions.findValuesAsText("id")).doesNotContain(sso.sessionId());
    }

    private void setSmtp(Map<String, String> settings) {
        HttpResult updated = admin.put("/admin/realms/" + REALM,
                Json.object().set("smtpServer", Json.MAPPER.valueToTree(settings)));
        assertThat(updated.status()).as(updated.toString()).isEqualTo(204);
    }

    private String accountSecurityUrl() {
        return admin.server().realmUrl(REALM) + "/account/account-security/device-activity";
    }

    private String userPath(String username) {
        return "/admin/realms/" + REALM + "/users/" + admin.userId(REALM, username);
    }

    private static String address(String username) {
        return username + "@example.org";
    }

    private static String password(String username) {
        return username + "-password";
    }
}
