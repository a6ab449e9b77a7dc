package io.github.sessionguard.logout;

import static io.github.sessionguard.testing.RealmFixture.PASSWORD;
import static io.github.sessionguard.testing.RealmFixture.USER;
import static io.github.sessionguard.testing.RealmFixture.withBackchannelLogout;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.sessionguard.testing.AdminApi;
import io.github.sessionguard.testing.Deadline;
import io.github.sessionguard.testing.HttpResult;
import io.github.sessionguard.testing.Jwt;
import io.github.sessionguard.testing.KeycloakIntegrationTest;
import io.github.sessionguard.testing.KeycloakServer;
import io.github.sessionguard.testing.LogoutReceiver;
import io.github.sessionguard.testing.LogoutReceiver.Delivery;
import io.github.sessionguard.testing.OidcClient;
import io.github.sessionguard.testing.RealmFixture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keycloak's own expiry of a user session (here its SSO Session Max of 30 s) reaches the session's relying parties,
 * though Keycloak names no client when it drops a session: Session Guard's participant record does.
 */
@KeycloakIntegrationTest
class KeycloakExpiryIT {

    private static final String REALM = "keycloak-expiry";
    private static final long SSO_MAX = 30;
    private static final String OFFLINE_REALM = "keycloak-offline-expiry";
    private static final long OFFLINE_MAX = 30;

    private AdminApi admin;
    private LogoutReceiver receiver;
    private OidcClient plain;
    private LogoutReceiver offlineReceiver;
    private OidcClient offlineApp;

    @BeforeAll
    void createRealm(KeycloakServer server, AdminApi admin) {
        this.admin = admin;
        receiver = new LogoutReceiver(server, REALM);
        RealmFixture realm = new RealmFixture(REALM).set("ssoSessionMaxLifespan", SSO_MAX);
        withBackchannelLogout(realm.publicClient("plain"), receiver);
        realm.create(admin);
        plain = OidcClient.publicClient(server, REALM, "plain");

        offlineReceiver = new LogoutReceiver(server, OFFLINE_REALM);
        RealmFixture offline = new RealmFixture(OFFLINE_REALM).set("offlineSessionMaxLifespanEnabled", true)
                .set("offlineSessionMaxLifespan", OFFLINE_MAX);
        withBackchannelLogout(offline.publicClient("offline-app"), offlineReceiver);
        offline.create(admin);
        offlineApp = OidcClient.publicClient(server, OFFLINE_REALM, "offline-app");
    }

    @AfterAll
    void deleteRealm() {
        receiver.close();
        offlineReceiver.close();
        admin.deleteRealm(REALM);
        admin.deleteRealm(OFFLINE_REALM);
    }

    @Test
    void aSessionKeycloakExpiresIsToldToItsParticipants() {
        long loginSecond = wholeSecondNow();
        String accessToken = plain.login(USER, PASSWORD).get("access_token").asText();
        String sessionId = Jwt.claims(accessToken).get("sid").asText();

        Delivery delivery = Deadline.await(Duration.ofSeconds(SSO_MAX + 90), "a logout token after expiry",
                () -> receiver.deliveriesTo("plain").stream().filter(d -> sessionId.equals(d.sid()))
                        .findFirst().orElse(null), d -> d != null);

        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(delivery.sub()).isEqualTo(Jwt.claims(accessToken).get("sub").asText());
        assertThat(delivery.receivedAtMillis()).as("not before the session's maximum ran out")
                .isGreaterThanOrEqualTo((loginSecond + SSO_MAX) * 1000);
        assertThat(admin.userSessions(REALM, USER)).isEmpty();
    }

    /** Problem 8: an offline session's participation is recorded at login, so its expiry is told too. */
    @Test
    void anOfflineSessionKeycloakExpiresIsToldToo() {
        long loginSecond = wholeSecondNow();
        HttpResult login = offlineApp.passwordGrant(USER, PASSWORD, "openid offline_access");
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        String sessionId = Jwt.claims(login.json().get("access_token").asText()).get("sid").asText();
        assertThat(Jwt.claims(login.json().get("refresh_token").asText()).get("typ").asText()).isEqualTo("Offline");

        Delivery delivery = Deadline.await(Duration.ofSeconds(OFFLINE_MAX + 90), "a logout token after offline expiry",
                () -> offlineReceiver.deliveriesTo("offline-app").stream().filter(d -> sessionId.equals(d.sid()))
                        .findFirst().orElse(null), d -> d != null);

        assertThat(delivery.valid()).as(delivery.error()).isTrue();
        assertThat(delivery.receivedAtMillis()).as("not before the offline session's maximum ran out")
                .isGreaterThanOrEqualTo((loginSecond + OFFLINE_MAX) * 1000);
        assertThat(admin.offlineSessions(OFFLINE_REALM, USER, "offline-app")).isEmpty();
    }

    /**
     * Keycloak stamps a session's start in whole seconds (rounded down), and its maximum runs from there: a token may
     * arrive up to a second less than the maximum after the login response. The second the login began in is a bound
     * that holds.
     */
    private static long wholeSecondNow() {
        return System.currentTimeMillis() / 1000;
    }
}
